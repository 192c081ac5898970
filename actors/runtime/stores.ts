/**
 * Where each actor kind keeps its state. A store says how to load and save its rows as
 * statements over arrays; the actor group runs the loads of every kind of a batch as one
 * statement and the saves as another (db/sql.ts), and rows are written only by their own
 * store, so reading them back is safe.
 */
import type { Sql, Stmt } from "../../db/sql.ts";

export interface StateStore<S> {
  /** Selects `key` and `value` (the state as JSON text) of `keys`; locked when `lock`. */
  loading(keys: string[], lock: boolean): Stmt;
  /**
   * Writes `rows` (no RETURNING). `before` holds their states as loaded in the same
   * transaction, for a store that also keeps figures of what changed.
   */
  saving(rows: [string, S][], now: Date, before: ReadonlyMap<string, S>): Stmt | Stmt[];
  /** Inserts `rows` whose keys are new, RETURNING the keys inserted (for commands that create their key). */
  creating?(rows: [string, S][], now: Date): Stmt;
  /** the tables its statements look up by key and rewrite (kept analyzed; see upkeep.ts) */
  readonly tables: readonly string[];
}

/** Shared rows an actor reads and changes besides its own state (e.g. stock levels). */
export interface Resources<R> {
  load(q: Sql, ids: string[]): Promise<R>;
  /** What changed, as statements, and the ids that changed. */
  saving(before: R, after: R, now: Date): { stmts: Stmt[]; changed: string[] };
  /** the tables its statements look up by key and rewrite */
  readonly tables: readonly string[];
  /**
   * Rows many keys share and `load` locks (stock levels): the group loads them last, just
   * before its one write and the commit, so no other kind's round trips wait inside the lock.
   */
  readonly contended?: boolean;
}

/** Run a store's load on its own. */
export async function loadStates<S>(q: Sql, store: StateStore<S>, keys: string[], lock: boolean): Promise<Map<string, S>> {
  if (keys.length === 0) return new Map();
  const { text, params } = store.loading(keys, lock);
  return statesOf<S>(await q.query<{ key: string; value: string }>(text, params));
}

export const statesOf = <S>(rows: { key: string; value: string }[]) => new Map(rows.map((r) => [r.key, JSON.parse(r.value) as S]));

/** ` FOR UPDATE` when the rows are to be locked. */
export const forUpdate = (lock: boolean) => (lock ? " FOR UPDATE" : "");

/** Generic per-key state in runtime.actor_state. */
export function actorStateStore<S>(kind: string): StateStore<S> {
  return {
    tables: ["runtime.actor_state"],
    loading: (keys, lock) => ({
      text: `SELECT key, state::text AS value FROM runtime.actor_state WHERE kind = $1 AND key = ANY($2::text[])${forUpdate(lock)}`,
      params: [kind, keys],
    }),
    // rows as one JSON document: large JSON values cross without being escaped into an array literal
    saving: (rows, now) => ({
      text: `INSERT INTO runtime.actor_state (kind, key, state, updated_at)
        SELECT $1, t.key, t.state, $3::text::timestamptz FROM json_to_recordset($2::text::json) AS t(key text, state jsonb)
        ON CONFLICT (kind, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      params: [kind, JSON.stringify(rows.map(([key, state]) => ({ key, state }))), now.toISOString()],
    }),
  };
}
