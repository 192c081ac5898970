/**
 * The distributed shop as separate OS processes on Postgres + Kafka + NATS: one relay,
 * two actors, two edges, the card processor and carrier as an outside service. Live
 * updates fan out across edges, and a `kill -9` of an actors process mid-run loses,
 * duplicates and oversells nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { TOPICS } from "../actors/contracts/index.ts";
import { startKafkaMock, type KafkaMock } from "../deploy/kafka-mock/index.ts";
import { startProviderSim } from "../deploy/provider-sim.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { freshPostgres, NATS_URL } from "./engines.ts";
import { ADDRESS, untilTaken, waitUntil } from "./kit.ts";
import { ARTIFACTS, freePort, spawnRole, type ShopProcess } from "./processes.ts";

const SECRET = crypto.randomUUID() + crypto.randomUUID();
let mock: KafkaMock;
let pg: Awaited<ReturnType<typeof freshPostgres>>;
let sim: ReturnType<typeof startProviderSim>;
let sql: ReturnType<typeof postgres>;
const procs: ShopProcess[] = [];
let sharedEnv: Record<string, string> = {};
let edges: string[] = [];

beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions: 8 })) });
  pg = await freshPostgres();
  sim = startProviderSim({ port: 0, latencyMs: 1 });
  const env = {
    DATABASE_URL: pg.url, KAFKA_BROKERS: mock.bootstrap.join(","), NATS_URL, JWT_SECRET: SECRET,
    PROVIDERS_URL: sim.url, PARTITIONS: "8", KAFKA_SESSION_TIMEOUT_MS: "3000", HANDLING_TIME_MS: "100",
    STEP_TIMEOUT_MS: "3000", TIMER_TICK_MS: "100", SEED_CATALOG: "true",
  };
  sharedEnv = env;
  procs.push(await spawnRole("relay", "relay", env));
  const [a1, a2, e1, e2] = await Promise.all([
    spawnRole("actors1", "actors", env), spawnRole("actors2", "actors", env),
    freePort().then((p) => spawnRole("edge1", "edge", env, p)), freePort().then((p) => spawnRole("edge2", "edge", env, p)),
  ]);
  procs.push(a1!, a2!, e1!, e2!);
  edges = [e1!, e2!].map((e) => `http://127.0.0.1:${e.port}`);
  sql = postgres(pg.url, { max: 2, onnotice: () => {} });
}, 120_000);

afterAll(async () => {
  for (const p of procs) p.kill(9);
  await Promise.all(procs.map((p) => p.exited));
  await sql?.end({ timeout: 1 });
  await sim?.stop();
  await mock?.stop();
  await pg?.drop();
}, 60_000);

const token = (sub: string, role: "customer" | "admin" = "customer") => issueToken(SECRET, { sub, role });

async function place(edge: string, customer: string, o: { sku: string; card: string; postalCode?: string }) {
  const key = crypto.randomUUID();
  const res = await untilTaken(async () => fetch(`${edge}/api/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${await token(customer)}`, "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ items: [{ sku: o.sku, qty: 1 }], shippingAddress: { ...ADDRESS, postalCode: o.postalCode ?? ADDRESS.postalCode }, paymentToken: o.card }),
  }));
  if (res.status !== 202) throw new Error(`place: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { orderId: string }).orderId;
}

async function statuses(ids: string[]): Promise<Map<string, { status: string; timeline: { status: string }[] }>> {
  const rows = await sql<{ id: string; status: string; view: { timeline: { status: string }[] } }[]>`
    SELECT id, status, view FROM ordering.order_views WHERE id = ANY(${ids})`;
  return new Map(rows.map((r) => [r.id, { status: r.status, timeline: r.view.timeline }]));
}

describe("distributed shop in separate processes", () => {
  test("a customer watching on edge 1 sees a cancel made through edge 2", async () => {
    // A SKU of its own: releasing this order's stock must not race the next test's counts.
    const id = await place(edges[1]!, "fan", { sku: "LAP-002", card: "tok_decline" });
    await waitUntil(async () => (await statuses([id])).get(id)?.status === "PAYMENT_FAILED", 60_000, "payment to fail");
    const abort = new AbortController();
    const res = await fetch(`${edges[0]}/orders/${id}/stream`, { headers: { cookie: `session=${await token("fan")}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const seen: string[] = [];
    const reading = (async () => {
      const dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen.push(dec.decode(value));
        if (seen.join("").includes('data-status="CANCELLED"')) return;
      }
    })();
    await waitUntil(async () => seen.join("").includes('data-status="PAYMENT_FAILED"'), 10_000, "the stream's first state");
    const cancel = await fetch(`${edges[1]}/api/orders/${id}/cancel`, { method: "POST", headers: { authorization: `Bearer ${await token("fan")}` } });
    expect(cancel.status).toBe(202);
    await Promise.race([reading, Bun.sleep(20_000)]);
    abort.abort();
    expect(seen.join("")).toContain('data-status="CANCELLED"');
  }, 60_000);

  test("an admin's dashboard on edge 1 follows an order placed through edge 2", async () => {
    const admin = { cookie: `session=${await token("dash-admin", "admin")}` };
    const ordersToday = (html: string) => Number(/<h3>Orders<\/h3><p class="figure">([\d,]+)<\/p>/.exec(html)?.[1]?.replaceAll(",", ""));
    const abort = new AbortController();
    const res = await fetch(`${edges[0]}/admin/stream`, { headers: { ...admin, accept: "text/event-stream" }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // open and subscribed
    const before = ordersToday(await (await fetch(`${edges[0]}/admin`, { headers: admin })).text());
    expect(before).toBeGreaterThanOrEqual(0);
    // declined: it ships nothing, so the outside carrier's books stay the next test's own
    await place(edges[1]!, "dash-fan", { sku: "LAP-003", card: "tok_decline" });
    let text = "";
    const dec = new TextDecoder();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += dec.decode(value, { stream: true });
        const frames = text.split("\n\n").filter((f) => f.includes("dashboard-live"));
        if (frames.some((f) => ordersToday(f) > before)) return;
      }
    })();
    await Promise.race([reading, Bun.sleep(20_000)]);
    abort.abort();
    expect(text.split("\n\n").map((f) => ordersToday(f)).filter((n) => !Number.isNaN(n)).at(-1)).toBe(before + 1);
  }, 60_000);

  test("1,000 mixed orders survive kill -9 of an actors process: same outcomes, nothing twice, nothing oversold", async () => {
    // Enough stock for everyone: each order's outcome then depends only on its card and address.
    await sql`UPDATE inventory.stock SET on_hand = on_hand + 10000`;
    const before = await sql<{ sku: string; on_hand: number; reserved: number }[]>`SELECT sku, on_hand, reserved FROM inventory.stock_totals`;
    const kinds = [
      { card: "tok_visa", expect: "SHIPPED" },
      { card: "tok_mastercard", expect: "SHIPPED" },
      { card: "tok_decline", expect: "PAYMENT_FAILED" },
      { card: "tok_visa", postalCode: "00000", expect: "SHIPPING_FAILED" },
    ];
    const skus = ["AUD-005", "BOK-002", "SPT-009", "TOY-007", "HOM-002"];
    const placed: { id: string; expect: string; sku: string }[] = [];
    let killed = false;
    for (let i = 0; i < 1000; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, async (_, j) => {
        const n = i + j;
        const k = kinds[n % kinds.length]!;
        const sku = skus[n % skus.length]!;
        const id = await place(edges[n % 2]!, `mp-${n % 37}`, { sku, card: k.card, postalCode: k.postalCode });
        return { id, expect: k.expect, sku };
      }));
      placed.push(...batch);
      if (!killed && placed.length >= 300) {
        procs[1]!.kill(9);
        killed = true;
      }
    }
    const ids = placed.map((p) => p.id);
    await waitUntil(async () => {
      const now = await statuses(ids);
      return placed.every((p) => now.get(p.id)?.status === p.expect);
    }, 180_000, "every order's final status");

    const final = await statuses(ids);
    for (const p of placed) {
      const timeline = final.get(p.id)!.timeline.map((t) => t.status);
      expect(new Set(timeline).size).toBe(timeline.length);
    }
    // The outside card processor and carrier: nothing charged or shipped twice. Capture
    // follows shipping, so wait for the last captures first.
    const shippedCount = placed.filter((p) => p.expect === "SHIPPED").length;
    await waitUntil(async () => (await sim.payment.ledger()).filter((x) => x.kind === "capture").length >= shippedCount, 60_000, "captures");
    await Bun.sleep(500);
    const ledger = await sim.payment.ledger();
    const captures = new Map<string, number>();
    for (const e of ledger.filter((x) => x.kind === "capture")) captures.set(e.paymentId, (captures.get(e.paymentId) ?? 0) + 1);
    expect([...captures.values()].every((n) => n === 1)).toBe(true);
    const shippedIds = new Set(placed.filter((p) => p.expect === "SHIPPED").map((p) => p.id));
    expect(captures.size).toBe(shippedIds.size);
    const authorizedOrders = ledger.filter((x) => x.kind === "authorize").map((x) => x.orderId);
    expect(authorizedOrders.length).toBe(new Set(authorizedOrders).size);
    const shipments = await sim.shipping.shipments();
    expect(shipments.length).toBe(shippedIds.size);
    expect(new Set(shipments.map((s) => s.orderId))).toEqual(shippedIds);
    // Stock: sold units left on_hand exactly once; failed orders still hold their reservation.
    const after = new Map((await sql<{ sku: string; on_hand: number; reserved: number }[]>`SELECT sku, on_hand, reserved FROM inventory.stock_totals`).map((r) => [r.sku, r]));
    for (const b of before.filter((x) => skus.includes(x.sku))) {
      const a = after.get(b.sku)!;
      const mine = placed.filter((p) => p.sku === b.sku);
      expect(a.on_hand).toBe(b.on_hand - mine.filter((p) => p.expect === "SHIPPED").length);
      expect(a.reserved).toBe(b.reserved + mine.filter((p) => p.expect !== "SHIPPED").length);
      expect(a.reserved).toBeLessThanOrEqual(a.on_hand);
    }
    // The dashboard's counters, kept by two projectors through a crash: every order counted
    // once, in the status it ended in, and the day's orders are every order there is.
    const counted = await sql<{ status: string; orders: number }[]>`SELECT status, orders FROM ordering.figures_by_status WHERE orders <> 0 ORDER BY status`;
    const actual = await sql<{ status: string; orders: number }[]>`SELECT status, count(*)::int AS orders FROM ordering.order_views GROUP BY status ORDER BY status`;
    expect(counted).toEqual(actual);
    const [days] = await sql<{ orders: number }[]>`SELECT sum(orders)::int AS orders FROM ordering.figures_by_day`;
    const [views] = await sql<{ orders: number }[]>`SELECT count(*)::int AS orders FROM ordering.order_views`;
    expect(days?.orders).toBe(views?.orders);
  }, 300_000);

  test("SIGTERM drains an actors process: it exits 0 and its orders finish on the other member", async () => {
    const replacement = await spawnRole("actors3", "actors", sharedEnv);
    procs.push(replacement);
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => place(edges[i % 2]!, `term-${i}`, { sku: "BOK-002", card: "tok_visa" })));
    const leaving = procs[2]!;
    leaving.kill(15);
    expect(await Promise.race([leaving.exited, Bun.sleep(30_000).then(() => "still running")])).toBe(0);
    expect(await Bun.file(`${ARTIFACTS}/actors2.log`).text()).toContain('"msg":"shutting down"');
    await waitUntil(async () => [...(await statuses(ids)).values()].filter((o) => o.status === "SHIPPED").length === ids.length, 120_000, "orders to ship");
  }, 200_000);

  // last: it ships and captures, which the counts of the crash test above must not see
  test("a declined order paid again with another card through the other edge ships: one authorization, one capture", async () => {
    const id = await place(edges[0]!, "pay-again", { sku: "AUD-005", card: "tok_decline" });
    await waitUntil(async () => (await statuses([id])).get(id)?.status === "PAYMENT_FAILED", 60_000, "payment to fail");
    const pay = await fetch(`${edges[1]}/api/orders/${id}/pay`, {
      method: "POST",
      headers: { authorization: `Bearer ${await token("pay-again")}`, "content-type": "application/json" },
      body: JSON.stringify({ card: "4242 4242 4242 4242" }),
    });
    expect(pay.status).toBe(202);
    await waitUntil(async () => (await statuses([id])).get(id)?.status === "SHIPPED", 60_000, "the order to ship");
    expect((await statuses([id])).get(id)!.timeline.map((t) => t.status)).toEqual([
      "CREATED", "INVENTORY_RESERVED", "PAYMENT_FAILED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED",
    ]);
    const mine = async () => (await sim.payment.ledger()).filter((e) => e.orderId === id).map((e) => e.kind).sort();
    await waitUntil(async () => (await mine()).includes("capture"), 60_000, "the capture");
    await Bun.sleep(500); // a second capture would come now
    expect(await mine()).toEqual(["authorize", "capture"]);
    expect((await sim.shipping.shipments()).filter((s) => s.orderId === id)).toHaveLength(1);
  }, 120_000);
});
