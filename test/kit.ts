/** Starts a whole shop in memory for end-to-end tests and drives it through the HTTP API. */
import { expect } from "bun:test";
import type { FailureCode, OrderStatus } from "../actors/contracts/index.ts";
import { startSystem, type Config, type Providers } from "../actors/system/system.ts";
import { createApp } from "../edge/app.ts";
import { issueToken, type Role } from "../edge/auth/auth.ts";
import type { Sql } from "../db/sql.ts";
import { engineConfig, type Engine } from "./engines.ts";

export const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical St", city: "London", postalCode: "N1 9GU", country: "GB" };

export type OrderJson = {
  orderId: string;
  status: OrderStatus;
  customerId: string;
  total: number;
  timeline: { status: OrderStatus; reason: string; code?: FailureCode; at: string }[];
  /** which warehouse holds what, once reserved */
  allocations?: { sku: string; warehouse: string; qty: number }[];
  /** the parcels shipped, each from its warehouse */
  parcels?: { warehouse: string; items: { sku: string; qty: number }[]; trackingNumber: string; carrier: string }[];
};

/**
 * A shop with test timings (fast timers, short provider timeout) on an in-memory PGlite,
 * or on a database of its own on the local Postgres.
 */
export async function startShop(overrides: Partial<Config> = {}, providers?: Providers, engine: Engine = "embedded") {
  const partitions = 4;
  const servers = overrides.databaseUrl ? null : await engineConfig(engine, partitions);
  const sys = await startSystem({
    dataDir: undefined, partitions, handlingMs: 50, reservationTtlMs: 60_000,
    stepTimeoutMs: 300, timerTickMs: 20, maxAttempts: 3, seed: true,
    ...servers?.config, ...overrides,
  }, providers);
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const app = createApp(sys, secret);
  const token = (role: Role, sub = role === "admin" ? "admin-1" : "alice", name?: string) =>
    issueToken(secret, { sub, role, ...(name ? { name } : {}) });

  async function call(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers["content-type"] ??= "application/json";
    const res = await app.request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  }

  /**
   * Place an order as `customer`; returns its id. A 503 (the shop shedding a burst of orders)
   * is sent again with the same Idempotency-Key after its Retry-After, as the README asks of clients.
   */
  async function place(customer: string, o: { sku?: string; qty?: number; card?: string; postalCode?: string; country?: string; key?: string } = {}) {
    const key = o.key ?? crypto.randomUUID();
    const send = async () => call("POST", "/api/orders", {
      token: await token("customer", customer),
      headers: { "idempotency-key": key },
      body: {
        items: [{ sku: o.sku ?? "AUD-001", qty: o.qty ?? 1 }],
        shippingAddress: { ...ADDRESS, postalCode: o.postalCode ?? ADDRESS.postalCode, country: o.country ?? ADDRESS.country },
        paymentToken: o.card ?? "tok_visa",
      },
    });
    const res = await untilTaken(send);
    expect(res.status).toBe(202);
    return res.json.orderId as string;
  }

  /** Poll the read model until the order is in one of `statuses`. */
  async function waitFor(orderId: string, statuses: OrderStatus[], timeoutMs = 15_000): Promise<OrderJson> {
    const admin = await token("admin");
    const deadline = Date.now() + timeoutMs;
    let last: OrderJson | null = null;
    while (Date.now() < deadline) {
      const res = await call("GET", `/api/orders/${orderId}`, { token: admin });
      if (res.status === 200) {
        last = res.json;
        if (last && statuses.includes(last.status)) return last;
      }
      await Bun.sleep(15);
    }
    throw new Error(`order ${orderId} did not reach ${statuses.join("|")}; last: ${last?.status} ${JSON.stringify(last?.timeline.map((t) => t.status))}`);
  }

  async function stockOf(sku: string): Promise<{ available: number }> {
    return (await call("GET", `/api/products/${sku}`)).json;
  }

  /**
   * Gather a product's unreserved units into one warehouse, as the single warehouse it had
   * before there were more: for tests that count a product's units down in one adjustment.
   */
  async function oneWarehouse(sku: string, warehouse = "BER") {
    await sys.database.sql.query(`WITH moved AS (
        DELETE FROM inventory.stock WHERE sku = $1 AND warehouse <> $2 AND reserved = 0 RETURNING on_hand
      ) INSERT INTO inventory.stock (sku, warehouse, on_hand, reserved) SELECT $1, $2, coalesce(sum(on_hand), 0)::int, 0 FROM moved
      ON CONFLICT (sku, warehouse) DO UPDATE SET on_hand = inventory.stock.on_hand + excluded.on_hand`, [sku, warehouse]);
  }

  async function stop() {
    await sys.stop();
    await servers?.stop();
  }

  return { sys, app, token, call, place, waitFor, stockOf, oneWarehouse, stop };
}

export type Shop = Awaited<ReturnType<typeof startShop>>;

/** The statuses of an order's timeline, in order. */
export const path = (o: OrderJson) => o.timeline.map((t) => t.status);

/**
 * The events written for `key` (and of `type`, if given), published or not, oldest first:
 * the relay deletes an outbox row once the in-database log has it, so a row is in one or the
 * other (in both only between a publish and its delete), and each counts once by its id.
 */
export async function eventsFor(sql: Pick<Sql, "query">, key: string | null, type?: string): Promise<{ eventId: string; message: string }[]> {
  const rows = await sql.query<{ eventId: string; message: string }>(
    `SELECT DISTINCT ON (event_id) event_id AS "eventId", message FROM (
       SELECT event_id::text, message FROM runtime.outbox WHERE ($1::text IS NULL OR key = $1) AND ($2::text IS NULL OR type = $2)
       UNION ALL
       SELECT value::jsonb->>'eventId', value FROM runtime.log
        WHERE ($1::text IS NULL OR key = $1) AND ($2::text IS NULL OR value::jsonb->>'type' = $2)
     ) written`, [key, type ?? null]);
  const at = (m: string) => String((JSON.parse(m) as { at?: string }).at ?? "");
  return rows.sort((a, b) => at(a.message).localeCompare(at(b.message)));
}

/** Send until the answer is not a 503, waiting its Retry-After between tries (at most 60 s in all). */
export async function untilTaken<R extends { status: number; headers: Headers }>(send: () => Promise<R>): Promise<R> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await send();
    if (res.status !== 503 || Date.now() > deadline) return res;
    await Bun.sleep(Number(res.headers.get("retry-after") ?? 1) * 1000);
  }
}

/** Poll until `check` holds (eventual consistency); the error names what never happened. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}
