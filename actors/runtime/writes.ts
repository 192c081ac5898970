/**
 * The rows every actor kind writes to the same tables - outgoing events (the outbox) and
 * durable timers - as statements over arrays, for all kinds of a transaction at once.
 */
import { renumbered, type Sql, type Stmt } from "../../db/sql.ts";
import type { TimerSet } from "./actor.ts";

export type OutboxRow = { eventId: string; topic: string; key: string; type: string; message: string };
/** A timer armed (`set`) or cancelled (`set: null`) on a key of an actor kind. */
export type TimerWrite = { kind: string; key: string; name: string; set: TimerSet | null };

/**
 * Insert the outbox rows in order (json_to_recordset yields array order, so ids follow it: the
 * relay's order); only `when` it holds, if given (a condition of the statement the rows join).
 */
export function outboxInsert(rows: OutboxRow[], when?: string): Stmt[] {
  if (rows.length === 0) return [];
  return [{
    // one JSON document: each message crosses without being escaped into an array literal
    text: `INSERT INTO runtime.outbox (event_id, topic, key, type, message)
      SELECT * FROM json_to_recordset($1::text::json) AS t("eventId" uuid, topic text, key text, type text, message text)${when ? ` WHERE ${when}` : ""}`,
    params: [JSON.stringify(rows)],
  }];
}

/** Delete the named timers (cancelled, or fired). */
export function timersDelete(gone: { kind: string; key: string; name: string }[]): Stmt[] {
  if (gone.length === 0) return [];
  return [{
    text: `DELETE FROM runtime.timers AS x USING unnest($1::text[], $2::text[], $3::text[]) AS t(kind, key, name)
      WHERE x.kind = t.kind AND x.key = t.key AND x.name = t.name`,
    params: [gone.map((t) => t.kind), gone.map((t) => t.key), gone.map((t) => t.name)],
  }];
}

/**
 * Cancel and (re)arm timers; a key's timer appears once (the runner keeps the last write).
 * The arming is only `when` it holds, if given (as for `outboxInsert`).
 */
export function timerWrites(writes: TimerWrite[], when?: string): Stmt[] {
  const armed = writes.flatMap((t) => (t.set ? [{ ...t, set: t.set }] : []));
  return [
    ...timersDelete(writes.filter((t) => t.set === null)),
    ...(armed.length === 0 ? [] : [{
      text: `INSERT INTO runtime.timers (kind, key, name, token, fire_at)
        SELECT t.kind, t.key, t.name, t.token, t.fire_at::timestamptz
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(kind, key, name, token, fire_at)${when ? ` WHERE ${when}` : ""}
        ON CONFLICT (kind, key, name) DO UPDATE SET token = excluded.token, fire_at = excluded.fire_at`,
      params: [
        armed.map((t) => t.kind), armed.map((t) => t.key), armed.map((t) => t.name), armed.map((t) => t.set.token),
        armed.map((t) => t.set.at.toISOString()),
      ],
    }]),
  ];
}

/** Run one statement (often several, made one by `together`) on `tx`. */
export async function run(tx: Sql, stmt: Stmt): Promise<void> {
  await tx.query(stmt.text, stmt.params);
}

/**
 * `create` (an INSERT ... ON CONFLICT DO NOTHING RETURNING its key) and, only when it inserted,
 * the outbox rows, the timers it arms and `also` (INSERT ... SELECT statements: the rows of
 * the kinds that follow it): ONE statement. `n` is how many rows `create` inserted.
 */
export function createWith(create: Stmt, rows: OutboxRow[], timers: TimerWrite[] = [], also: Stmt[] = []): Stmt {
  const inserted = "EXISTS (SELECT 1 FROM created)";
  const { texts, params } = renumbered([create, ...outboxInsert(rows, inserted), ...timerWrites(timers, inserted), ...also.map((s) => onlyWhen(s, inserted))]);
  const [created, ...events] = texts;
  return {
    text: `WITH created AS (${created})${events.map((e, i) => `, e${i} AS (${e})`).join("")} SELECT count(*)::int AS n FROM created`,
    params,
  };
}

/**
 * An `INSERT ... SELECT` with no WHERE of its own, made to insert only `when` it holds (the
 * condition goes before its ON CONFLICT). Any other statement is refused: it could not be.
 */
export function onlyWhen(s: Stmt, when: string): Stmt {
  const at = s.text.lastIndexOf("ON CONFLICT");
  const body = at < 0 ? s.text : s.text.slice(0, at);
  if (!/^\s*INSERT INTO\b[\s\S]*\bSELECT\b/i.test(body) || /\bWHERE\b/i.test(body)) {
    throw new Error(`only an INSERT ... SELECT with no WHERE can be made conditional: ${s.text.slice(0, 60)}`);
  }
  return { text: `${body.trimEnd()} WHERE ${when}${at < 0 ? "" : ` ${s.text.slice(at)}`}`, params: s.params };
}
