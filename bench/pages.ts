/**
 * `bun run bench:pages`: requests/s and p50/p99 latency of the storefront pages at 50
 * concurrent users, next to a trivial Bun server on the same machine and the storefront's
 * p99 latency targets (printed, never asserted).
 *
 *   shop:      `bun edge/main.ts` (every role, embedded default, fresh PGlite on disk)
 *   baseline:  a Bun.serve answering "ok"           both separate OS processes
 *   load:      this process, keep-alive fetch, closed loop of --users virtual users
 *
 * The admin dashboard is measured on a shop that holds --fixture orders besides those: written
 * with SQL before the shop starts, their counters back-filled by migration 0016 as on an
 * upgrade (both timed), so the page shows what it costs with that many orders behind it.
 *
 *   --users N (50)  --duration S (10)  --warmup S (2)  --orders N (50)  --fixture N (100000)  --only a,b
 *   --profile DIR   the shop runs under Bun's --cpu-prof-md and writes its profile to DIR when it stops
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { slugOf } from "../actors/catalog/search.ts";
import { openPglite } from "../db/client.ts";
import { seedCatalog } from "../db/seed.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { backfillFigures, writeOrderViews } from "../test/order-fixture.ts";
import { freePort, spawnRole, type ShopProcess } from "../test/processes.ts";
import { categoryHref } from "../views/catalog/home-page.tsx";
import { runLoad, type LoadFigures, type NextRequest, type Vu } from "./http-load.ts";
import { ADDRESS, FINAL } from "./load.ts";

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "50" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    orders: { type: "string", default: "50" },
    fixture: { type: "string", default: "100000" },
    only: { type: "string" },
    profile: { type: "string" },
  },
});
const USERS = Number(args.users);
const DURATION_S = Number(args.duration);
const WARMUP_S = Number(args.warmup);

type Scenario = { name: string; base: "shop" | "baseline"; floor?: { what: string; p99Ms: number }; next: NextRequest };
type Result = LoadFigures & { scenario: Scenario };

// the few fields read from the JSON API's answers
const Placed = z.object({ orderId: z.string() });
const Status = z.object({ status: z.string() });
const Products = z.object({ products: z.array(z.object({ sku: z.string(), available: z.number() })) });

const SECRET = crypto.randomUUID() + crypto.randomUUID();
const dir = mkdtempSync(join(tmpdir(), "saga-pages-"));
const children: ShopProcess[] = [];

/** The baseline: a separate Bun process answering a short text, the ceiling for any page. */
async function startBaseline(port: number): Promise<ReturnType<typeof Bun.spawn>> {
  const code = `Bun.serve({ port: ${port}, fetch: () => new Response("ok") });`;
  const proc = Bun.spawn([process.execPath, "-e", code], { stdout: "ignore", stderr: "inherit" });
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await Bun.sleep(50)) {
    if (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)) return proc;
  }
  proc.kill();
  throw new Error("the baseline server did not start");
}

/** Place one order per virtual user through the JSON API and wait until each saga has finished. */
async function placeOrders(base: string, n: number, skus: string[]): Promise<{ orderIds: string[]; tokens: string[] }> {
  const tokens = await Promise.all(Array.from({ length: n }, (_, i) => issueToken(SECRET, { sub: `page-bench-${i}`, role: "customer" }, 3600)));
  const orderIds = await Promise.all(tokens.map(async (token, i) => {
    const res = await fetch(`${base}/api/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `page-bench-${i}` },
      // one unit of a different product each, so no product sells out before the pages are measured
      body: JSON.stringify({ items: [{ sku: skus[i % skus.length], qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" }),
    });
    if (res.status !== 202) throw new Error(`placing an order: HTTP ${res.status} ${await res.text()}`);
    return Placed.parse(await res.json()).orderId;
  }));
  // a saga still running would steal CPU from the pages being measured
  for (const [i, id] of orderIds.entries()) {
    for (const deadline = Date.now() + 60_000; ; await Bun.sleep(100)) {
      const res = await fetch(`${base}/api/orders/${id}`, { headers: { authorization: `Bearer ${tokens[i]}` } });
      if (res.ok && FINAL.has(Status.parse(await res.json()).status)) break;
      if (Date.now() > deadline) throw new Error(`order ${id} did not finish`);
    }
  }
  return { orderIds, tokens };
}

/** The SKUs a shopper can add (in stock), read through the JSON API: adding the others is a 409 by design. */
async function skusOf(base: string): Promise<string[]> {
  const { products } = Products.parse(await fetch(`${base}/api/products?limit=100`).then((r) => r.json()));
  const buyable = products.filter((p) => p.available > 0).map((p) => p.sku);
  if (buyable.length === 0) throw new Error("the shop listed no product in stock");
  return buyable;
}

/** The pages measured, in order, with the storefront's p99 targets at 50 concurrent users. */
function scenarios(skus: string[], orders: { orderIds: string[]; tokens: string[] }, adminToken: string): Scenario[] {
  const browse = { what: "browse", p99Ms: 100 };
  const get = (path: string) => () => ({ path });
  return [
    { name: "baseline (text)", base: "baseline", next: get("/") },
    { name: "home /", base: "shop", floor: browse, next: get("/") },
    { name: "category Laptops", base: "shop", floor: browse, next: get(categoryHref({ slug: slugOf("Laptops") })) },
    { name: "search ?q=lapto", base: "shop", floor: { what: "search", p99Ms: 200 }, next: get(`/search?q=${encodeURIComponent("lapto")}`) },
    { name: "product /p/LAP-001", base: "shop", floor: browse, next: get("/p/LAP-001") },
    { name: "add to cart", base: "shop", floor: { what: "add to cart", p99Ms: 150 }, next: addToCart(skus) },
    {
      name: "order page /orders/:id", base: "shop",
      next: (vu: Vu) => {
        const i = vu.id % orders.orderIds.length;
        vu.cookies.set("session", orders.tokens[i]!); // the page reads the token from this cookie
        return { path: `/orders/${orders.orderIds[i]}`, label: "/orders/:id" };
      },
    },
    {
      name: "admin dashboard /admin", base: "shop",
      next: (vu: Vu) => {
        vu.cookies.set("session", adminToken);
        return { path: "/admin" };
      },
    },
    {
      // the orders table filtered by status and sorted by total, over the fixture's orders
      name: "admin orders filtered", base: "shop",
      next: (vu: Vu) => {
        vu.cookies.set("session", adminToken);
        return { path: "/admin/orders?status=SHIPPED&status=DELIVERED&sort=total&dir=desc", label: "/admin/orders?status=" };
      },
    },
  ];
}

/** A guest adds one product after another; after 10 it starts over, so carts stay the size shoppers make them. */
function addToCart(skus: string[]): NextRequest {
  return (vu) => {
    if (vu.n > 0 && vu.n % 10 === 0) vu.cookies.clear();
    const body = new URLSearchParams({ sku: skus[(vu.id + vu.n) % skus.length]!, qty: "1" }).toString();
    // what a browser sends with our own form: the CSRF check wants same-origin
    const headers = { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" };
    return { path: "/cart/items", init: { method: "POST", body, headers } };
  };
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : "-");

function report(results: Result[]) {
  const row = (cells: string[]) => console.log("  " + cells.map((c, i) => (i === 0 ? c.padEnd(24) : i === 8 ? ` ${c}` : c.padStart(9))).join(" "));
  row(["scenario", "req/s", "p50 ms", "p99 ms", "errors", "srv CPU", "load CPU", "other", "p99 target at 50 users"]);
  for (const r of results) {
    const f = r.scenario.floor;
    const verdict = !f ? "" : r.ok === 0 ? "NOT met (no page)" : r.p99 < f.p99Ms && r.errors === 0 ? "met" : "NOT met";
    row([r.scenario.name, r.rps.toFixed(0), ms(r.p50), ms(r.p99), String(r.errors), `${r.serverCpu.toFixed(0)}%`, `${r.loadCpu.toFixed(0)}%`, `${r.otherCpu.toFixed(0)}%`,
      f ? `${f.what} < ${f.p99Ms} ms: ${verdict}` : ""]);
  }
  const kinds = results.flatMap((r) => [...r.errorKinds].map(([why, n]) => `  ${r.scenario.name}: ${why} x${n}`));
  if (kinds.length > 0) console.log(`\nerrors (not 2xx/3xx, or no answer):\n${kinds.slice(0, 20).join("\n")}`);
}

async function main() {
  const [shopPort, basePort] = [await freePort(), await freePort()];
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(`pages bench: ${USERS} concurrent users, ${WARMUP_S} s warm-up + ${DURATION_S} s per scenario, keep-alive fetch`);
  const load = loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, bun ${Bun.version}, ${process.platform}, load average ${load}`);
  console.log(`the load generator runs on the same ${availableParallelism()} cores as the servers: figures understate what the server alone would do`);
  const only = args.only?.split(",").map((x) => x.trim().toLowerCase());
  const chosen = (name: string) => !only || only.some((o) => name.toLowerCase().includes(o));
  const fixture = chosen("admin dashboard /admin") || chosen("admin orders filtered") ? Number(args.fixture) : 0;
  if (fixture > 0) await writeFixture(join(dir, "pg"), fixture);
  const shop = await spawnRole("bench-pages-shop", "edge,actors,relay", {
    DATA_DIR: join(dir, "pg"), JWT_SECRET: SECRET, HANDLING_TIME_MS: "0", SEED_CATALOG: "true",
    // Bun reads extra command-line options from BUN_OPTIONS: the profile is written when the shop exits
    ...(args.profile ? { BUN_OPTIONS: `--cpu-prof-md --cpu-prof-dir=${resolve(args.profile)}` } : {}),
  }, shopPort);
  children.push(shop);
  const baseline = await startBaseline(basePort);
  children.push({ name: "baseline", proc: baseline, kill: (s = 15) => baseline.kill(s), exited: baseline.exited });
  const bases = { shop: `http://127.0.0.1:${shopPort}`, baseline: `http://127.0.0.1:${basePort}` };

  const orders = await placeOrders(bases.shop, Number(args.orders), await skusOf(bases.shop));
  const skus = await skusOf(bases.shop);
  console.log(`shop: embedded default (PGlite on disk), ${skus.length} products in stock, ${orders.orderIds.length} orders placed and finished beforehand\n`);

  const adminToken = await issueToken(SECRET, { sub: "page-bench-admin", role: "admin" }, 3600);
  const results: Result[] = [];
  for (const scenario of scenarios(skus, orders, adminToken).filter((x) => chosen(x.name))) {
    const serverPid = scenario.base === "shop" ? shop.proc.pid : baseline.pid;
    const figures = await runLoad(bases[scenario.base], scenario.next, { users: USERS, warmupS: WARMUP_S, durationS: DURATION_S, serverPid });
    results.push({ ...figures, scenario });
    console.log(`  measured ${scenario.name}`);
  }
  console.log();
  report(results);
  console.log("\nCPU columns: % of one core used while measuring by the server process (shop or baseline), by this");
  console.log("load generator, and by everything else on the machine (the idle server of the other rows included).");
  console.log("The order page is the HTML only; a browser then also holds its live stream open.");
  if (args.profile) console.log(`The shop's CPU profile (Markdown) is written to ${resolve(args.profile)} when it stops.`);
  if (fixture > 0) console.log(`The admin dashboard is measured with ${fixture.toLocaleString("en-US")} more orders in the database (see above).`);
}

/** The dashboard's many orders, in the shop's data directory before it starts (PGlite is one process's). */
async function writeFixture(dataDir: string, n: number) {
  const database = await openPglite(dataDir);
  try {
    await seedCatalog(database.db);
    let t = performance.now();
    await writeOrderViews(database, n);
    const writeS = (performance.now() - t) / 1000;
    t = performance.now();
    await backfillFigures(database);
    const backfillS = (performance.now() - t) / 1000;
    console.log(`fixture: ${n.toLocaleString("en-US")} orders written with SQL in ${writeS.toFixed(1)} s; migration 0016 back-filled their counters in ${backfillS.toFixed(1)} s`);
  } finally {
    await database.close();
  }
}

async function stop() {
  for (const c of children) c.kill();
  await Promise.race([Promise.all(children.map((c) => c.exited)), Bun.sleep(10_000)]);
  for (const c of children) c.kill(9);
  rmSync(dir, { recursive: true, force: true });
}

process.on("SIGINT", () => void stop().then(() => process.exit(130)));
try {
  await main();
} finally {
  await stop();
}
