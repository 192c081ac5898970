/**
 * `bun bench/order-list.ts`: the order list (admin table, GET /api/orders) on a Postgres
 * holding --orders orders of --customers customers: p50/p95 of one page per filter and sort,
 * the indexes each scanned (pg_stat_user_indexes; the planner's probes of a column's range
 * count too), and a deep keyset page next to the same page by OFFSET. Figures are printed, never asserted. Needs the local Postgres.
 *
 *   --orders N (100000)  --customers N (10000)  --runs N (20)
 */
import { parseArgs } from "node:util";
import { openPostgres } from "../db/client.ts";
import { decodeCursor } from "../actors/orders/order-cursor.ts";
import { listOrders, type OrderListQuery } from "../actors/orders/order-list.ts";
import { freshPostgres } from "../test/engines.ts";

const { values: args } = parseArgs({
  options: { orders: { type: "string", default: "100000" }, customers: { type: "string", default: "10000" }, runs: { type: "string", default: "20" } },
});
const ORDERS = Number(args.orders);
const CUSTOMERS = Number(args.customers);
const RUNS = Number(args.runs);
const ADMIN = { sub: "bench-admin", role: "admin" } as const;

const pg = await freshPostgres();
// one connection: the statistics it flushes are the list's own
const database = await openPostgres(pg.url, {}, 1);
try {
  const started = performance.now();
  await database.sql.query(`INSERT INTO accounts.users (id, email, name, password_hash, role)
    SELECT 'c' || i, 'customer' || i || '@example.com', 'Customer ' || i, 'x', 'customer' FROM generate_series(1, $1::int) i`, [CUSTOMERS]);
  await database.sql.query(`INSERT INTO ordering.order_views (id, customer_id, status, total, base_total, currency, created_at, updated_at, view)
    SELECT o.id, o.customer, o.status, o.total, o.total, o.currency, o.at, o.at,
      jsonb_build_object('orderId', o.id, 'customerId', o.customer, 'status', o.status, 'items', '[]'::jsonb, 'total', o.total,
        'currency', o.currency, 'createdAt', to_char(o.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'updatedAt', to_char(o.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'timeline', '[]'::jsonb)
    FROM (SELECT md5(i::text) AS id, 'c' || (1 + i % $2::int) AS customer,
      (ARRAY['SHIPPED','SHIPPED','SHIPPED','DELIVERED','PAYMENT_FAILED','CREATED','CANCELLED'])[1 + i % 7] AS status,
      500 + (i * 7919) % 200000 AS total, (ARRAY['USD','USD','EUR','GBP','JPY'])[1 + i % 5] AS currency,
      timestamptz '2026-12-01' - i * interval '37 seconds' AS at
      FROM generate_series(1, $1::int) i) o`, [ORDERS, CUSTOMERS]);
  await database.sql.query("ANALYZE");
  console.log(`${ORDERS} orders of ${CUSTOMERS} customers written and analyzed in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const base: OrderListQuery = { sort: "placed", dir: "desc", limit: 50 };
  const shapes: [string, OrderListQuery][] = [
    ["newest first, no filter", base],
    ["one status (PAYMENT_FAILED)", { ...base, statuses: ["PAYMENT_FAILED"] }],
    ["two statuses", { ...base, statuses: ["PAYMENT_FAILED", "CREATED"] }],
    ["customer text 'customer4242'", { ...base, customer: "customer4242" }],
    ["customer text 'Customer 77'", { ...base, customer: "Customer 77" }],
    ["currency GBP", { ...base, currency: "GBP" }],
    ["id prefix 'ab1'", { ...base, idPrefix: "ab1" }],
    ["placed in one day", { ...base, from: new Date("2026-11-20"), to: new Date("2026-11-21") }],
    ["total, largest first", { ...base, sort: "total" }],
    ["total between $100 and $101", { ...base, sort: "total", minTotal: 10_000, maxTotal: 10_100 }],
    ["status, Z first", { ...base, sort: "status" }],
  ];

  console.log("shape                               p50 ms   p95 ms  rows  indexes used");
  for (const [name, q] of shapes) {
    const before = await indexScans();
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const t = performance.now();
      rows = (await listOrders(database.db, ADMIN, q)).rows.length;
      if (i >= 3) times.push(performance.now() - t);
    }
    const used = diff(before, await indexScans());
    console.log(`${name.padEnd(34)} ${pct(times, 50).padStart(7)} ${pct(times, 95).padStart(8)} ${String(rows).padStart(5)}  ${used.join(", ") || "(none)"}`);
  }

  // a page deep in the list: keyset (a cursor into row 20,000) against OFFSET 20,000
  const deep = Math.min(20_000, ORDERS - 100);
  const [row] = await database.sql.query<{ id: string; at: string }>(
    "SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at FROM ordering.order_views ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1", [deep - 1]);
  const cursor = decodeCursor(Buffer.from(JSON.stringify({ s: "placed", d: "desc", k: [row!.at, row!.id] })).toString("base64url"), "placed", "desc");
  if (typeof cursor === "string") throw new Error(cursor);
  const keyset: number[] = [];
  const offset: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    let t = performance.now();
    await listOrders(database.db, ADMIN, { ...base, after: cursor });
    if (i >= 3) keyset.push(performance.now() - t);
    t = performance.now();
    await database.sql.query(`SELECT v.view, u.name, u.email FROM ordering.order_views v LEFT JOIN accounts.users u ON u.id = v.customer_id
      ORDER BY v.created_at DESC, v.id DESC OFFSET $1 LIMIT 51`, [deep]);
    if (i >= 3) offset.push(performance.now() - t);
  }
  console.log(`\npage after row ${deep}: keyset p50 ${pct(keyset, 50)} ms, OFFSET p50 ${pct(offset, 50)} ms`);
} finally {
  await database.close();
  await pg.drop();
}

function pct(xs: number[], p: number): string {
  const sorted = [...xs].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(2);
}

async function indexScans(): Promise<Map<string, number>> {
  // a backend reports its statistics when idle, at most once a second unless asked
  await database.sql.query("SELECT pg_stat_force_next_flush()");
  await database.sql.query("SELECT pg_stat_clear_snapshot()");
  const rows = await database.sql.query<{ name: string; scans: string }>(
    "SELECT indexrelname AS name, idx_scan::text AS scans FROM pg_stat_user_indexes WHERE schemaname IN ('ordering', 'accounts')");
  return new Map(rows.map((r) => [r.name, Number(r.scans)]));
}

/** The indexes scanned between two snapshots. */
function diff(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name);
}
