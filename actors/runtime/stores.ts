/**
 * Where each actor kind keeps its state. A store says how to load and save its rows as
 * statements over arrays; the actor group runs the loads of every kind of a batch as one
 * statement and the saves as another (db/sql.ts), and rows are written only by their own
 * store, so reading them back is safe.
 */
import type { Sql, Stmt } from "../../db/sql.ts";
import type { OrderState } from "../order-state.ts";
import type { OrderView } from "../projector.ts";
import type { Stock } from "../inventory.ts";

export interface StateStore<S> {
  /** Selects `key` and `value` (the state as JSON text) of `keys`; locked when `lock`. */
  loading(keys: string[], lock: boolean): Stmt;
  /** Writes `rows` (no RETURNING). */
  saving(rows: [string, S][], now: Date): Stmt;
  /** Inserts `rows` whose keys are new, RETURNING the keys inserted (for commands that create their key). */
  creating?(rows: [string, S][], now: Date): Stmt;
}

/** Shared rows an actor reads and changes besides its own state (inventory: stock levels). */
export interface Resources<R> {
  load(q: Sql, ids: string[]): Promise<R>;
  /** What changed, as statements, and the ids that changed. */
  saving(before: R, after: R, now: Date): { stmts: Stmt[]; changed: string[] };
}

/** Run a store's load on its own. */
export async function loadStates<S>(q: Sql, store: StateStore<S>, keys: string[], lock: boolean): Promise<Map<string, S>> {
  if (keys.length === 0) return new Map();
  const { text, params } = store.loading(keys, lock);
  return statesOf<S>(await q.query<{ key: string; value: string }>(text, params));
}

export const statesOf = <S>(rows: { key: string; value: string }[]) => new Map(rows.map((r) => [r.key, JSON.parse(r.value) as S]));

const forUpdate = (lock: boolean) => (lock ? " FOR UPDATE" : "");

/** Generic per-key state in runtime.actor_state. */
export function actorStateStore<S>(kind: string): StateStore<S> {
  return {
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

/** The order aggregate lives in ordering.orders, with status and customer as columns for queries. */
export const orderStore: StateStore<OrderState> = {
  loading: (keys, lock) => ({
    text: `SELECT id AS key, state::text AS value FROM ordering.orders WHERE id = ANY($1::text[])${forUpdate(lock)}`, params: [keys],
  }),
  saving: (rows) => orderRows(rows, "ON CONFLICT (id) DO UPDATE SET status = excluded.status, state = excluded.state, updated_at = excluded.updated_at"),
  creating: (rows) => orderRows(rows, "ON CONFLICT (id) DO NOTHING RETURNING id"),
};

function orderRows(rows: [string, OrderState][], onConflict: string): Stmt {
  return {
    text: `INSERT INTO ordering.orders (id, customer_id, status, state, created_at, updated_at)
      SELECT t.id, t.state->>'customerId', t.state->>'status', t.state, (t.state->>'createdAt')::timestamptz, (t.state->>'updatedAt')::timestamptz
      FROM json_to_recordset($1::text::json) AS t(id text, state jsonb)
      ${onConflict}`,
    params: [JSON.stringify(rows.map(([id, state]) => ({ id, state })))],
  };
}

/** The read model of orders. */
export const viewStore: StateStore<OrderView> = {
  loading: (keys, lock) => ({
    text: `SELECT id AS key, view::text AS value FROM ordering.order_views WHERE id = ANY($1::text[])${forUpdate(lock)}`, params: [keys],
  }),
  saving: (rows) => ({
    text: `INSERT INTO ordering.order_views (id, customer_id, status, total, currency, created_at, updated_at, view)
      SELECT t.id, t.view->>'customerId', t.view->>'status', (t.view->>'total')::int, t.view->>'currency',
             (t.view->>'createdAt')::timestamptz, (t.view->>'updatedAt')::timestamptz, t.view
      FROM json_to_recordset($1::text::json) AS t(id text, view jsonb)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, view = excluded.view, updated_at = excluded.updated_at`,
    params: [JSON.stringify(rows.map(([id, view]) => ({ id, view })))],
  }),
};

/** Stock levels, locked in SKU order (no deadlocks), written back as a movement log. */
export const stockResources: Resources<Stock> = {
  async load(q, skus) {
    if (skus.length === 0) return {};
    const rows = await q.query<{ sku: string; on_hand: number; reserved: number }>(
      "SELECT sku, on_hand, reserved FROM inventory.stock WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE", [[...new Set(skus)]]);
    return Object.fromEntries(rows.map((r) => [r.sku, { onHand: r.on_hand, reserved: r.reserved }]));
  },
  saving(before, after, now) {
    const changed = Object.entries(after).filter(([sku, l]) => {
      const b = before[sku];
      return !b || b.onHand !== l.onHand || b.reserved !== l.reserved;
    });
    if (changed.length === 0) return { stmts: [], changed: [] };
    const skus = changed.map(([sku]) => sku);
    const was = (sku: string) => before[sku] ?? { onHand: 0, reserved: 0 };
    return {
      changed: skus,
      stmts: [{
        text: `INSERT INTO inventory.stock (sku, on_hand, reserved)
          SELECT * FROM unnest($1::text[], $2::int[], $3::int[])
          ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved`,
        params: [skus, changed.map(([, l]) => l.onHand), changed.map(([, l]) => l.reserved)],
      }, {
        text: `INSERT INTO inventory.movements (sku, delta_on_hand, delta_reserved, reason, at)
          SELECT t.sku, t.d_on_hand, t.d_reserved, 'saga', $4::text::timestamptz FROM unnest($1::text[], $2::int[], $3::int[]) AS t(sku, d_on_hand, d_reserved)`,
        params: [skus, changed.map(([sku, l]) => l.onHand - was(sku).onHand), changed.map(([sku, l]) => l.reserved - was(sku).reserved), now.toISOString()],
      }],
    };
  },
};
