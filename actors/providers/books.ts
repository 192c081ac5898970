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
 * Books in a database (tables of schema `sim`, migration 0009). One transaction per
 * decision: its answer row, inserted first, is the lock a concurrent call with the same key
 * waits on; it then reads the answer this one kept.
 */
export function sqlBooks(sql: Sql, name: string): Books {
  return {
    async once<T>(op: string, key: string, decide: (l: Ledger) => Promise<Answer<T>>) {
      return sql.transaction(async (tx) => {
        const mine = await tx.query(
          "INSERT INTO sim.answers (book, op, key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1 AS n", [name, op, key]);
        if (mine.length === 0) {
          const [kept] = await tx.query<{ answer: string | null }>(
            "SELECT answer::text AS answer FROM sim.answers WHERE book = $1 AND op = $2 AND key = $3", [name, op, key]);
          return kept?.answer == null ? NO_ANSWER : (JSON.parse(kept.answer) as T);
        }
        const answer = await decide({
          async record<V>(id: string) {
            const [row] = await tx.query<{ value: string }>(
              "SELECT value::text AS value FROM sim.records WHERE book = $1 AND id = $2 FOR UPDATE", [name, id]);
            return row ? (JSON.parse(row.value) as V) : null;
          },
          put: async (id, value) => void (await tx.query(
            `INSERT INTO sim.records (book, id, value) VALUES ($1, $2, $3::text::jsonb)
             ON CONFLICT (book, id) DO UPDATE SET value = excluded.value`, [name, id, JSON.stringify(value)])),
          append: async (entry) => void (await tx.query(
            "INSERT INTO sim.journal (book, entry) VALUES ($1, $2::text::jsonb)", [name, JSON.stringify(entry)])),
        });
        // No answer is kept as NULL: the key hangs again, as the first call did.
        if (answer !== NO_ANSWER) {
          await tx.query("UPDATE sim.answers SET answer = $4::text::jsonb WHERE book = $1 AND op = $2 AND key = $3",
            [name, op, key, JSON.stringify(answer)]);
        }
        return answer;
      });
    },
    async answered<T>(op: string, key: string) {
      const [kept] = await sql.query<{ answer: string | null }>(
        "SELECT answer::text AS answer FROM sim.answers WHERE book = $1 AND op = $2 AND key = $3", [name, op, key]);
      return kept?.answer == null ? null : (JSON.parse(kept.answer) as T);
    },
    async journal<E>() {
      const rows = await sql.query<{ entry: string }>("SELECT entry::text AS entry FROM sim.journal WHERE book = $1 ORDER BY seq", [name]);
      return rows.map((r) => JSON.parse(r.entry) as E);
    },
  };
}

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
