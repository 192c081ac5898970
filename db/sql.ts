/**
 * The actor runtime's own SQL: a handful of fixed statements run for every message (state
 * loads and saves, processed marks, the outbox, timers, the relay). They take their rows
 * as arrays (`unnest`), so each keeps one text whatever the batch size, and Postgres plans
 * it once per connection. The rest of the shop queries through drizzle (db/client.ts).
 *
 * JSON and timestamps cross as text and are cast in SQL (`t.state::jsonb`,
 * `$4::text::timestamptz`; drizzle hands postgres.js date types through untouched), so
 * both drivers read and write them the same way; a bigint comes back as text.
 */
import type { PGlite, Transaction } from "@electric-sql/pglite";
import type postgres from "postgres";

export type Row = Record<string, unknown>;

export interface Sql {
  /** Run one statement; `params` may hold arrays for `unnest`. */
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Run `fn` in a transaction on one connection; a throw rolls it back. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** postgres.js: named prepared statements, one connection per transaction from the pool. */
export function postgresSql(client: postgres.Sql | postgres.TransactionSql): Sql {
  return {
    query: <T extends Row>(text: string, params: unknown[] = []) =>
      client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }) as unknown as Promise<T[]>,
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => {
      if (!("begin" in client)) throw new Error("nested transactions are not used by the runtime");
      return (await client.begin((tx) => fn(postgresSql(tx)))) as T;
    },
  };
}

/** PGlite: one connection; a transaction holds it until it ends. */
export function pgliteSql(client: PGlite | Transaction): Sql {
  return {
    query: async <T extends Row>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => {
      if (!("transaction" in client)) throw new Error("nested transactions are not used by the runtime");
      return client.transaction((tx) => fn(pgliteSql(tx)));
    },
  };
}
