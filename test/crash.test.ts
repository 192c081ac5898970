/**
 * `kill -9` of a whole shop on the embedded engines while orders are paid and waiting out
 * the handling time, then the shop started again on the same data. The simulated card
 * processor and carrier keep their books in the shop's database, as a real processor
 * outlives the shop: every order finishes, each payment is captured once, each parcel
 * booked once, and no message is dead-lettered.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadLetters, stock } from "../db/schema.ts";
import { sqlBooks } from "../actors/providers/books.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { ENGINES, freshPostgres } from "./engines.ts";
import { ADDRESS, startShop, untilTaken, waitUntil } from "./kit.ts";
import { freePort, spawnRole } from "./processes.ts";

const dir = mkdtempSync(join(tmpdir(), "saga-shop-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = "crash-test-secret-0123456789abcdef0123456789";

test.each(ENGINES)("%s: kill -9 with paid orders in flight; started again, all finish and each capture happens once", async (engine) => {
  const pg = engine === "postgres" ? await freshPostgres() : null;
  const dataDir = join(dir, engine);
  const where: Record<string, string> = pg ? { DATABASE_URL: pg.url } : { DATA_DIR: dataDir };
  const port = await freePort();
  const first = await spawnRole(`crash-${engine}`, "edge,actors,relay", {
    ...where, PARTITIONS: "4", JWT_SECRET: SECRET, HANDLING_TIME_MS: "8000", STEP_TIMEOUT_MS: "3000", TIMER_TICK_MS: "50", SEED_CATALOG: "true",
  }, port);
  const base = `http://127.0.0.1:${port}`;
  const admin = await issueToken(SECRET, { sub: "admin-1", role: "admin" });
  const statusOf = async (id: string) => {
    const res = await fetch(`${base}/api/orders/${id}`, { headers: { authorization: `Bearer ${admin}` } });
    return res.status === 200 ? ((await res.json()) as { status: string }).status : null;
  };
  const cards = ["tok_visa", "tok_visa", "tok_mastercard", "tok_decline", "tok_visa"];
  const ids: string[] = [];
  let second: Awaited<ReturnType<typeof startShop>> | null = null;
  try {
    for (let i = 0; i < 20; i++) {
      const key = crypto.randomUUID();
      const res = await untilTaken(async () => fetch(`${base}/api/orders`, {
        method: "POST",
        headers: { authorization: `Bearer ${await issueToken(SECRET, { sub: `crash-${i % 5}`, role: "customer" })}`, "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ items: [{ sku: i % 2 ? "BOK-002" : "SPT-009", qty: 1 }], shippingAddress: ADDRESS, paymentToken: cards[i % cards.length] }),
      }));
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { orderId: string }).orderId);
    }
    // Crash while most orders are paid and waiting out the handling time (long enough that a
    // loaded machine still sees them there; their durable timers fire in the second life).
    await waitUntil(async () => (await Promise.all(ids.map(statusOf))).filter((s) => s === "PAYMENT_AUTHORIZED").length >= 8, 30_000, "orders paid");
    first.kill(9);
    await first.exited;

    // The test shop's partition count (4) is the one the log was written with.
    second = await startShop({ ...(pg ? { databaseUrl: pg.url } : { dataDir }), partitions: 4, handlingMs: 50, stepTimeoutMs: 3_000 });
    const finals = await Promise.all(ids.map((id) => second!.waitFor(id, ["SHIPPED", "PAYMENT_FAILED"], 60_000)));
    finals.forEach((o, i) => expect(o.status).toBe(cards[i % cards.length] === "tok_decline" ? "PAYMENT_FAILED" : "SHIPPED"));
    const shipped = finals.filter((o) => o.status === "SHIPPED").map((o) => o.orderId);

    // The books the shop's own simulators kept, across both lives.
    const sql = second.sys.database.sql;
    const payment = paymentSimulator({ books: sqlBooks(sql, "payment") });
    const captures = async () => (await payment.ledger()).filter((e) => e.kind === "capture" && ids.includes(e.orderId ?? ""));
    await waitUntil(async () => (await captures()).length >= shipped.length, 30_000, "captures");
    await Bun.sleep(300);
    expect((await captures()).map((e) => e.orderId).sort()).toEqual([...shipped].sort());
    const authorized = (await payment.ledger()).filter((e) => e.kind === "authorize" && ids.includes(e.orderId ?? ""));
    expect(new Set(authorized.map((e) => e.orderId)).size).toBe(authorized.length);
    const parcels = (await shippingSimulator({ books: sqlBooks(sql, "shipping") }).shipments()).filter((s) => ids.includes(s.orderId ?? ""));
    expect(parcels.map((s) => s.orderId).sort()).toEqual([...shipped].sort());
    expect(await second.sys.database.db.select().from(deadLetters)).toEqual([]);
    const rows = await second.sys.database.db.select().from(stock);
    expect(rows.every((r) => r.reserved >= 0 && r.onHand >= r.reserved)).toBe(true);
  } finally {
    first.kill(9);
    await second?.stop();
    await pg?.drop();
  }
}, 180_000);
