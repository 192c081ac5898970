/**
 * Where the order, its read model, the order's alerts and the stock live: the stores of the
 * kinds whose rows are the shop's own tables rather than runtime.actor_state, as statements
 * the actor group batches (actors/runtime/stores.ts says how).
 */
import type { Stmt } from "../db/sql.ts";
import type { Envelope } from "./contracts/index.ts";
import type { Stock } from "./inventory.ts";
import { orderAlertKey, type OrderAlert, type OrderAlerts } from "./ops/alert-rules.ts";
import type { OrderState } from "./order-state.ts";
import { ADMINS, PRIORITY, type Contact, type Mailbag } from "./notification.ts";
import type { OrderView } from "./projector.ts";
import { changeOf, rowsOf, sumOf } from "./orders/figures.ts";
import { smsNumber } from "./accounts/account-rules.ts";
import { FIGURE_TABLES, figureWrites } from "./orders/figure-writes.ts";
import { forUpdate, type Resources, type StateStore } from "./runtime/stores.ts";

/** The order aggregate lives in ordering.orders, with status and customer as columns for queries. */
export const orderStore: StateStore<OrderState> = {
  tables: ["ordering.orders"],
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

/** The read model of orders, and the dashboard's figures of what each change of it adds (one transaction). */
export const viewStore: StateStore<OrderView> = {
  tables: ["ordering.order_views", ...FIGURE_TABLES],
  loading: (keys, lock) => ({
    text: `SELECT id AS key, view::text AS value FROM ordering.order_views WHERE id = ANY($1::text[])${forUpdate(lock)}`, params: [keys],
  }),
  saving: (rows, _now, before) => [{
    // base_total: the total in USD cents at the order's own rate, for lists that compare totals
    text: `INSERT INTO ordering.order_views (id, customer_id, status, total, base_total, currency, created_at, updated_at, view)
      SELECT t.id, t.view->>'customerId', t.view->>'status', (t.view->>'total')::int,
             round((t.view->>'total')::numeric * 100 / (coalesce((t.view->>'fxRate')::numeric, 1) * power(10::numeric, coalesce(c.minor_units, 2))))::int,
             t.view->>'currency', (t.view->>'createdAt')::timestamptz, (t.view->>'updatedAt')::timestamptz, t.view
      FROM json_to_recordset($1::text::json) AS t(id text, view jsonb)
      LEFT JOIN catalog.currencies c ON c.code = t.view->>'currency'
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, view = excluded.view, updated_at = excluded.updated_at`,
    params: [JSON.stringify(rows.map(([id, view]) => ({ id, view })))],
  }, ...figureWrites(rowsOf(sumOf(rows.map(([id, view]) => changeOf(before.get(id) ?? null, view)))))],
};

/**
 * Stock levels per SKU and warehouse, with each warehouse's country and priority, locked in
 * (SKU, warehouse) order - every writer of stock rows locks in that order, so none deadlocks -
 * and written back with a movement per order (its id the movement's ref) and warehouse.
 */
export const stockResources: Resources<Stock> = {
  tables: ["inventory.stock"], // movements are only appended
  contended: true,
  async load(q, skus) {
    if (skus.length === 0) return {};
    const rows = await q.query<{ sku: string; warehouse: string; country: string; priority: number; on_hand: number; reserved: number }>(
      `SELECT s.sku, s.warehouse, w.country, w.priority, s.on_hand, s.reserved
        FROM inventory.stock s JOIN inventory.warehouses w ON w.code = s.warehouse
        WHERE s.sku = ANY($1::text[]) ORDER BY s.sku, s.warehouse FOR UPDATE OF s`, [[...new Set(skus)]]);
    const stock: Stock = {};
    for (const r of rows) {
      (stock[r.sku] ??= []).push({ warehouse: r.warehouse, country: r.country, priority: r.priority, onHand: r.on_hand, reserved: r.reserved });
    }
    return stock;
  },
  saving(before, after, now) {
    const old = (sku: string, warehouse: string) => before[sku]?.find((b) => b.warehouse === warehouse) ?? { onHand: 0, reserved: 0 };
    const changed = Object.entries(after).flatMap(([sku, bins]) => bins.flatMap((b) => {
      const o = old(sku, b.warehouse);
      return o.onHand !== b.onHand || o.reserved !== b.reserved ? [{ sku, warehouse: b.warehouse, onHand: b.onHand, reserved: b.reserved }] : [];
    }));
    if (changed.length === 0) return { stmts: [], changed: [] };
    const col = <K extends keyof (typeof changed)[number]>(k: K) => changed.map((c) => c[k]);
    // one movement per order that moved the row (its id is the movement's ref), else one for the batch
    type Move = { sku: string; warehouse: string; orderId: string | null; onHand: number; reserved: number };
    const moves = Object.entries(after).flatMap(([sku, bins]) => bins.flatMap((b): Move[] => {
      if (!changed.some((c) => c.sku === sku && c.warehouse === b.warehouse)) return [];
      if (b.moves?.length) return b.moves.map((m) => ({ sku, warehouse: b.warehouse, ...m }));
      const o = old(sku, b.warehouse);
      return [{ sku, warehouse: b.warehouse, orderId: null, onHand: b.onHand - o.onHand, reserved: b.reserved - o.reserved }];
    }));
    const of = <K extends keyof Move>(k: K) => moves.map((m) => m[k]);
    return {
      changed: [...new Set(col("sku"))],
      stmts: [{
        text: `INSERT INTO inventory.stock (sku, warehouse, on_hand, reserved)
          SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])
          ON CONFLICT (sku, warehouse) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved`,
        params: [col("sku"), col("warehouse"), col("onHand"), col("reserved")],
      }, {
        text: `INSERT INTO inventory.movements (sku, warehouse, delta_on_hand, delta_reserved, reason, ref, at)
          SELECT t.sku, t.warehouse, t.d_on_hand, t.d_reserved, 'saga', t.ref, $6::text::timestamptz
          FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[]) AS t(sku, warehouse, d_on_hand, d_reserved, ref)`,
        params: [of("sku"), of("warehouse"), of("onHand"), of("reserved"), of("orderId"), now.toISOString()],
      }],
    };
  },
};

/**
 * The unresolved alerts of orders (admin.alerts, kinds `stalled` and `failed`), the
 * projector's shared rows: loaded locked for the orders whose status changed or stalled,
 * written back as what opened, reopened (failed again) and resolved.
 */
export const orderAlertResources: Resources<OrderAlerts> & { ids(view: unknown, env: Envelope): string[] } = {
  tables: ["admin.alerts"],
  ids: (_view, env) => (env.type === "order.StatusChanged.v1" || env.type === "order.SagaStalled.v1" ? [env.key] : []),
  async load(q, orderIds) {
    if (orderIds.length === 0) return {};
    const rows = await q.query<{ id: string; kind: OrderAlert["kind"]; subject: string; summary: string; details: string; opened_at: string }>(
      `SELECT id::text, kind, subject, summary, details::text, opened_at::text FROM admin.alerts
        WHERE subject = ANY($1::text[]) AND kind IN ('stalled', 'failed') AND resolved_at IS NULL ORDER BY id FOR UPDATE`,
      [[...new Set(orderIds)]]);
    return Object.fromEntries(rows.map((r) => [orderAlertKey(r.kind, r.subject), {
      id: Number(r.id), kind: r.kind, subject: r.subject, summary: r.summary, details: JSON.parse(r.details) as Record<string, unknown>,
      openedAt: new Date(r.opened_at).toISOString(),
    }]));
  },
  saving(before, after, now) {
    const gone = Object.entries(before).filter(([key]) => !after[key]).map(([, a]) => a);
    const resolved = gone.map((a) => a.id!);
    const fresh = Object.entries(after).filter(([, a]) => a.id === null);
    const reopened = fresh.flatMap(([key, a]) => (before[key] ? [{ ...a, id: before[key]!.id! }] : []));
    const opened = fresh.filter(([key]) => !before[key]).map(([, a]) => a);
    const stmts: Stmt[] = [];
    if (resolved.length > 0) {
      stmts.push({ text: "UPDATE admin.alerts SET resolved_at = $2::text::timestamptz WHERE id = ANY($1::bigint[])", params: [resolved, now.toISOString()] });
    }
    if (reopened.length > 0) {
      // failed again in the same batch: the row becomes the new failure, unacknowledged
      stmts.push({
        text: `UPDATE admin.alerts AS a SET summary = t.summary, details = t.details, opened_at = t."openedAt"::timestamptz,
            acknowledged_at = NULL, acknowledged_by = NULL, ack_reason = ''
          FROM json_to_recordset($1::text::json) AS t(id bigint, summary text, details jsonb, "openedAt" text) WHERE a.id = t.id`,
        params: [JSON.stringify(reopened)],
      });
    }
    if (opened.length > 0) {
      stmts.push({
        text: `INSERT INTO admin.alerts (kind, subject, summary, details, opened_at)
          SELECT t.kind, t.subject, t.summary, t.details, t."openedAt"::timestamptz
          FROM json_to_recordset($1::text::json) AS t(kind text, subject text, summary text, details jsonb, "openedAt" text)
          ON CONFLICT (subject, kind) WHERE resolved_at IS NULL DO NOTHING`,
        params: [JSON.stringify(opened)],
      });
    }
    return { stmts, changed: [...new Set([...gone, ...fresh.map(([, a]) => a)].map((a) => a.subject))] };
  },
};

/**
 * The notification actor's shared rows: the recipients (accounts.users, the admins under
 * `ADMINS`), and the messages it decided, inserted into notify.messages in the same
 * transaction as its state; a key already there (a redelivery, a replay) is left alone.
 */
/**
 * The number texts go to, as E.164; none for a number without its country code (one typed
 * at registration, before the account page asked for it that way): a text could reach the
 * wrong country.
 */
function textable(phone: string | null): string | null {
  const r = phone === null ? null : smsNumber(phone);
  return r && "number" in r ? r.number : null;
}

export const notificationResources: Resources<Mailbag> = {
  tables: ["notify.messages"],
  async load(q, ids) {
    const users = ids.filter((i) => i !== ADMINS);
    if (users.length === 0 && !ids.includes(ADMINS)) return { contacts: {}, admins: [], outgoing: [] };
    const rows = await q.query<{ id: string; email: string; first_name: string | null; name: string; phone: string | null; muted: string; role: string }>(
      `SELECT id, email, first_name, name, phone, muted_channels::text AS muted, role FROM accounts.users
        WHERE disabled_at IS NULL AND (id = ANY($1::text[]) OR ($2 AND role = 'admin')) ORDER BY id`,
      [[...new Set(users)], ids.includes(ADMINS)]);
    const contact = (r: (typeof rows)[number]): Contact => ({
      userId: r.id, email: r.email, firstName: r.first_name ?? r.name.split(" ")[0] ?? r.name, phone: textable(r.phone), muted: JSON.parse(r.muted) as Contact["muted"],
    });
    return {
      contacts: Object.fromEntries(rows.filter((r) => users.includes(r.id)).map((r) => [r.id, contact(r)])),
      admins: ids.includes(ADMINS) ? rows.filter((r) => r.role === "admin").map(contact) : [],
      outgoing: [],
    };
  },
  saving(before, after, now) {
    const fresh = after.outgoing.slice(before.outgoing.length);
    if (fresh.length === 0) return { stmts: [], changed: [] };
    return {
      // what the messages are about: the delivery worker is woken, and those pages follow
      changed: [...new Set(fresh.map((m) => m.subject))],
      stmts: [{
        text: `INSERT INTO notify.messages (key, event_id, subject, user_id, channel, recipient, template, priority, data, created_at, next_at)
          SELECT t.key, t."eventId", t.subject, t."userId", t.channel, t.to, t.template->>'kind', t.priority, t.template, $2::text::timestamptz, $2::text::timestamptz
          FROM json_to_recordset($1::text::json) AS t(key text, "eventId" text, subject text, "userId" text, channel text, "to" text, template jsonb, priority text)
          ON CONFLICT (key) DO NOTHING`,
        params: [JSON.stringify(fresh.map((m) => ({ ...m, priority: PRIORITY[m.template.kind] }))), now.toISOString()],
      }],
    };
  },
};
