/**
 * Where a simulated provider keeps what it answered and what it did. A real card processor
 * or carrier outlives the shop: after a crash it still knows the payments it authorized and
 * answers a repeated idempotency key as before. `sqlBooks` keeps them in a database (the
 * embedded default keeps them in the shop's own, schema `sim`); `memoryBooks` in the
 * process, for a simulator that lives as long as its callers (tests, the provider service).
 *
 * Each book is named (`payment`, `shipping`) and holds three things: the answer given per
 * (operation, key); records by id (a payment and its state); and a journal of what moved,
 * oldest first.
 */
import type { Sql } from "../../db/sql.ts";
import { agoSql, purgeTask } from "../runtime/retention.ts";

/** A decision that never answers, standing in for a provider that hangs. */
export const NO_ANSWER = Symbol("no answer");
export type Answer<T> = T | typeof NO_ANSWER;

/** What a decision may read and change; all of it is kept with the answer, or none of it. */
export interface Ledger {
  /** The record `id`, held until the decision ends (a capture and a refund of one payment queue). */
  record<V>(id: string): Promise<V | null>;
  put<V>(id: string, value: V): Promise<void>;
  /** Add to the journal. */
  append<E>(entry: E): Promise<void>;
}

export interface Books {
  /**
   * The answer given to `op` under `key` before, or the one `decide` gives now, kept with
   * what it did. Concurrent calls with one key share one decision.
   */
  once<T>(op: string, key: string, decide: (ledger: Ledger) => Promise<Answer<T>>): Promise<Answer<T>>;
  /** The answer kept for `op` under `key`, or null when none was given (never asked, or a hang). */
  answered<T>(op: string, key: string): Promise<T | null>;
  /** The journal, oldest first. */
  journal<E>(): Promise<E[]>;
}

/** Books in this process: gone when it ends. Decisions run one at a time, like a transaction each. */
export function memoryBooks(): Books {
  const answers = new Map<string, Promise<Answer<unknown>>>();
  const records = new Map<string, unknown>();
  const journal: unknown[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const ledger: Ledger = {
    record: async <V>(id: string) => (records.has(id) ? structuredClone(records.get(id) as V) : null),
    put: async (id, value) => void records.set(id, structuredClone(value)),
    append: async (entry) => void journal.push(structuredClone(entry)),
  };
  return {
    once<T>(op: string, key: string, decide: (l: Ledger) => Promise<Answer<T>>) {
      const k = `${op}\0${key}`;
      let answer = answers.get(k) as Promise<Answer<T>> | undefined;
      if (!answer) {
        answer = queue.then(() => decide(ledger));
        queue = answer.catch(() => undefined);
        answers.set(k, answer);
        // A decision that threw is not an answer: the next call decides again.
        answer.catch(() => answers.delete(k));
      }
      return answer.then((a) => (a === NO_ANSWER ? a : structuredClone(a)));
    },
    async answered<T>(op: string, key: string) {
      // A decision under way is waited for, as a concurrent call with its key would.
      const a = await answers.get(`${op}\0${key}`)?.catch(() => NO_ANSWER);
      return a === undefined || a === NO_ANSWER ? null : structuredClone(a as T);
    },
    journal: async <E>() => structuredClone(journal) as E[],
  };
}

/**
 * Books in a database (tables of schema `sim`, migration 0009). A decision runs on the
 * records as read (no lock, no transaction held across it) and is kept with ONE statement:
 * the answer row, its records and journal entries, only if no answer was kept under the key
 * meanwhile and every record it read is still as it was (locked while checked, so a capture
 * and a refund of one payment queue). A record that changed is read and decided again; a
 * key answered meanwhile gets that answer. Nothing is half kept across a crash.
 */
export function sqlBooks(sql: Sql, name: string): Books {
  return {
    async once<T>(op: string, key: string, decide: (l: Ledger) => Promise<Answer<T>>) {
      for (;;) {
        const read = new Map<string, string | null>();
        const puts = new Map<string, string>();
        const entries: string[] = [];
        const answer = await decide({
          async record<V>(id: string) {
            const put = puts.get(id);
            if (put !== undefined) return JSON.parse(put) as V;
            if (!read.has(id)) {
              const [row] = await sql.query<{ value: string }>("SELECT value::text AS value FROM sim.records WHERE book = $1 AND id = $2", [name, id]);
              read.set(id, row?.value ?? null);
            }
            const value = read.get(id);
            return value == null ? null : (JSON.parse(value) as V);
          },
          put: async (id, value) => void puts.set(id, JSON.stringify(value)),
          append: async (entry) => void entries.push(JSON.stringify(entry)),
        });
        const [row] = await sql.query<{ mine: number }>(keepStatement, [
          name, op, key, answer === NO_ANSWER ? null : JSON.stringify(answer), // no answer is kept as NULL: the key hangs again
          [...read.keys()], [...read.values()], [...puts.keys()], [...puts.values()], entries,
        ]);
        if (row!.mine > 0) return answer;
        // answered under this key before (or meanwhile): that answer; else a record read had changed: again
        const [before] = await sql.query<{ answer: string | null }>(answerQuery, [name, op, key]);
        if (before) return before.answer == null ? NO_ANSWER : (JSON.parse(before.answer) as T);
      }
    },
    async answered<T>(op: string, key: string) {
      const [row] = await sql.query<{ answer: string | null }>(answerQuery, [name, op, key]);
      return row?.answer == null ? null : (JSON.parse(row.answer) as T);
    },
    async journal<E>() {
      const rows = await sql.query<{ entry: string }>("SELECT entry::text AS entry FROM sim.journal WHERE book = $1 ORDER BY seq", [name]);
      return rows.map((r) => JSON.parse(r.entry) as E);
    },
  };
}

const answerQuery = "SELECT answer::text AS answer FROM sim.answers WHERE book = $1 AND op = $2 AND key = $3";

/**
 * Keep a decision: $1 book, $2 op, $3 key, $4 answer; $5/$6 the records it read and their
 * values then (null: none); $7/$8 the records it wrote; $9 its journal entries in order.
 * `mine`: 1 when the answer was kept (no answer under the key, the records read as read).
 */
const keepStatement = `WITH locked AS (
    SELECT id, value FROM sim.records WHERE book = $1 AND id = ANY($5::text[]) FOR UPDATE),
  current AS (
    SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM unnest($5::text[], $6::text[]) AS r(id, value)
      LEFT JOIN locked l ON l.id = r.id WHERE l.value IS DISTINCT FROM r.value::jsonb)),
  mine AS (
    INSERT INTO sim.answers (book, op, key, answer) SELECT $1, $2, $3, $4::text::jsonb FROM current
    ON CONFLICT DO NOTHING RETURNING 1),
  puts AS (
    INSERT INTO sim.records (book, id, value) SELECT $1, p.id, p.value::jsonb
    FROM unnest($7::text[], $8::text[]) AS p(id, value) WHERE EXISTS (SELECT 1 FROM mine)
    ON CONFLICT (book, id) DO UPDATE SET value = excluded.value),
  entries AS (
    INSERT INTO sim.journal (book, entry) SELECT $1, e.entry::jsonb
    FROM unnest($9::text[]) WITH ORDINALITY AS e(entry, n) WHERE EXISTS (SELECT 1 FROM mine) ORDER BY e.n)
  SELECT count(*)::int AS mine FROM mine`;

/**
 * The books in the database forget an answer, and a journal entry, `keepMs` after they
 * were written, as a real processor forgets an idempotency key after a day or more; the
 * records (each payment and parcel, and what became of it) stay. A call repeating a key
 * forgotten is decided anew: the shop never repeats one that late (README).
 */
export function booksUpkeep(keepMs: number): (sql: Sql) => Promise<void> {
  const answers = purgeTask("sim.answers", `at < ${agoSql(1)}`, keepMs);
  const journal = purgeTask("sim.journal", `at < ${agoSql(1)}`, keepMs);
  return async (sql) => {
    await answers(sql);
    await journal(sql);
  };
}
