/**
 * The rows every actor kind writes to the same tables - outgoing events (the outbox) and
 * durable timers - written for all kinds of a transaction in one statement each.
 */
import type { Sql } from "../../db/sql.ts";
import type { TimerSet } from "./actor.ts";

export type OutboxRow = { eventId: string; topic: string; key: string; type: string; message: string };
/** A timer armed (`set`) or cancelled (`set: null`) on a key of an actor kind. */
export type TimerWrite = { kind: string; key: string; name: string; set: TimerSet | null };

/** Insert the outbox rows, in order (their ids are the relay's publishing order). */
export async function insertOutbox(tx: Sql, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  // unnest yields the rows in array order, so ids follow it
  await tx.query(`INSERT INTO runtime.outbox (event_id, topic, key, type, message)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`, [rows.map((r) => r.eventId), rows.map((r) => r.topic), rows.map((r) => r.key), rows.map((r) => r.type), rows.map((r) => r.message)]);
}

/** Delete the named timers (cancelled, or fired). */
export async function deleteTimers(tx: Sql, gone: { kind: string; key: string; name: string }[]): Promise<void> {
  if (gone.length === 0) return;
  await tx.query(`DELETE FROM runtime.timers AS x USING unnest($1::text[], $2::text[], $3::text[]) AS t(kind, key, name)
    WHERE x.kind = t.kind AND x.key = t.key AND x.name = t.name`,
  [gone.map((t) => t.kind), gone.map((t) => t.key), gone.map((t) => t.name)]);
}

/** Insert the outbox rows; cancel and (re)arm the timers. */
export async function writeShared(tx: Sql, rows: OutboxRow[], timerWrites: TimerWrite[]): Promise<void> {
  await insertOutbox(tx, rows);
  await deleteTimers(tx, timerWrites.filter((t) => t.set === null));
  const armed = timerWrites.flatMap((t) => (t.set ? [{ ...t, set: t.set }] : []));
  if (armed.length > 0) {
    await tx.query(`INSERT INTO runtime.timers (kind, key, name, token, fire_at)
      SELECT t.kind, t.key, t.name, t.token, t.fire_at::timestamptz
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(kind, key, name, token, fire_at)
      ON CONFLICT (kind, key, name) DO UPDATE SET token = excluded.token, fire_at = excluded.fire_at`, [
      armed.map((t) => t.kind), armed.map((t) => t.key), armed.map((t) => t.name), armed.map((t) => t.set.token),
      armed.map((t) => t.set.at.toISOString()),
    ]);
  }
}
