/**
 * `bun bench/page-queries.ts`: the SQL statements one request of each page sends, counted
 * through the database hook on an in-memory shop (no server, `app.request`). Counts, not
 * times: load on the machine does not change them.
 *
 *   --repeat N (20)  requests per page, the statements averaged   --show  print each statement once per page
 */
import { parseArgs } from "node:util";
import { startSystem } from "../actors/system/system.ts";
import { createApp } from "../edge/app.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { ADDRESS } from "./load.ts";

const { values: args } = parseArgs({ options: { repeat: { type: "string", default: "20" }, show: { type: "boolean", default: false }, only: { type: "string" } } });
const REPEAT = Number(args.repeat);
let seen: string[] = [];
const sys = await startSystem({ dataDir: undefined, handlingMs: 0, seed: true }, undefined, { onQuery: (q) => void seen.push(q) });
const secret = crypto.randomUUID() + crypto.randomUUID();
const app = createApp(sys, secret);
const customer = await issueToken(secret, { sub: "count-customer", role: "customer" }, 3600);
const admin = await issueToken(secret, { sub: "count-admin", role: "admin" }, 3600);

const placed = await app.request("/api/orders", {
  method: "POST",
  headers: { authorization: `Bearer ${customer}`, "content-type": "application/json", "idempotency-key": "count-1" },
  body: JSON.stringify({ items: [{ sku: "LAP-001", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" }),
});
const { orderId } = (await placed.json()) as { orderId: string };
await Bun.sleep(1500); // the saga finishes; its statements are not counted below

type Page = { name: string; path: string; init?: RequestInit };
const form = { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" };
const pages: Page[] = [
  { name: "home /", path: "/" },
  { name: "product /p/LAP-001", path: "/p/LAP-001" },
  { name: "search ?q=lapto", path: "/search?q=lapto" },
  { name: "add to cart (guest)", path: "/cart/items", init: { method: "POST", headers: form, body: "sku=LAP-002&qty=1" } },
  { name: "order page", path: `/orders/${orderId}`, init: { headers: { cookie: `session=${customer}` } } },
  { name: "cart page (customer)", path: "/cart", init: { headers: { cookie: `session=${customer}` } } },
  { name: "admin dashboard", path: "/admin", init: { headers: { cookie: `session=${admin}` } } },
  { name: "admin orders filtered", path: "/admin/orders?status=SHIPPED&status=DELIVERED&sort=total&dir=desc", init: { headers: { cookie: `session=${admin}` } } },
];
for (const page of pages.filter((p) => !args.only || p.name.includes(args.only))) {
  await app.request(page.path, page.init); // warm: caches filled once
  await Bun.sleep(50);
  seen = [];
  let status = 0;
  const cpu0 = (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  for (let i = 0; i < REPEAT; i++) status = (await app.request(page.path, page.init)).status;
  const per = seen.length / REPEAT;
  const cpuMs = (process.cpuUsage().user + process.cpuUsage().system) / 1000 - cpu0;
  console.log(`${page.name.padEnd(24)} HTTP ${status}  ${per.toFixed(1)} statements per request  ${(cpuMs / REPEAT).toFixed(2)} ms CPU per request`);
  if (args.show) {
    const kinds = new Map<string, number>();
    for (const q of seen) kinds.set(q.replace(/\s+/g, " ").slice(0, 160), (kinds.get(q.replace(/\s+/g, " ").slice(0, 160)) ?? 0) + 1);
    for (const [q, n] of kinds) console.log(`   ${(n / REPEAT).toFixed(2)}  ${q}`);
  }
}
await sys.stop();
