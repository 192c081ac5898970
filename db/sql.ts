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

/** Told of every statement before it runs (counting, logging). */
export type OnQuery = (text: string) => void;

/** postgres.js: named prepared statements, one connection per transaction from the pool. */
export function postgresSql(client: postgres.Sql | postgres.TransactionSql, onQuery?: OnQuery): Sql {
  return {
    query: <T extends Row>(text: string, params: unknown[] = []) => {
      onQuery?.(text);
      return client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }) as unknown as Promise<T[]>;
    },
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => {
      if (!("begin" in client)) throw new Error("nested transactions are not used by the runtime");
      return (await client.begin((tx) => fn(postgresSql(tx, onQuery)))) as T;
    },
  };
}

/** PGlite: one connection; a transaction holds it until it ends. */
export function pgliteSql(client: PGlite | Transaction, onQuery?: OnQuery): Sql {
  return {
    query: async <T extends Row>(text: string, params: unknown[] = []) => {
      onQuery?.(text);
      return (await client.query<T>(text, params)).rows;
    },
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => {
      if (!("transaction" in client)) throw new Error("nested transactions are not used by the runtime");
      return client.transaction((tx) => fn(pgliteSql(tx, onQuery)));
    },
  };
}

/** One statement with its own parameters, numbered from $1. */
export type Stmt = { text: string; params: unknown[] };

/** `stmts` with their parameters renumbered to follow each other; returns the texts and all parameters. */
export function renumbered(stmts: Stmt[]): { texts: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const texts = stmts.map((s) => {
    const offset = params.length;
    params.push(...s.params);
    return s.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  return { texts, params };
}

/**
 * Data-modifying statements (INSERT/UPDATE/DELETE without RETURNING) as ONE statement: each
 * becomes a CTE. They see the same snapshot, so no two may touch the same row.
 */
export function together(stmts: Stmt[]): Stmt | null {
  if (stmts.length === 0) return null;
  if (stmts.length === 1) return stmts[0]!;
  const { texts, params } = renumbered(stmts);
  return { text: `WITH ${texts.map((t, i) => `w${i} AS (${t})`).join(", ")} SELECT 1`, params };
}

/**
 * Row-returning statements, each yielding (key, value) text columns, as ONE statement that
 * tags every row with the index of the statement it came from. A data-modifying statement
 * with RETURNING key, value may be one of them.
 */
export function tagged(stmts: Stmt[]): Stmt {
  const { texts, params } = renumbered(stmts);
  return {
    text: `WITH ${texts.map((t, i) => `r${i} AS (${t})`).join(", ")} ${
      texts.map((_, i) => `SELECT ${i} AS src, key::text AS key, value::text AS value FROM r${i}`).join(" UNION ALL ")}`,
    params,
  };
}
