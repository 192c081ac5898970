/**
 * A crash mid-run: the database is cut off while orders are in flight, then the shop is
 * started again on the same data directory. Every order finishes, nothing is lost or done
 * twice. The providers outlive the crash, as a real card processor and carrier would.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stock } from "../db/schema.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { ENGINES, freshPostgres } from "./engines.ts";
import { startShop, waitUntil } from "./kit.ts";

const dir = mkdtempSync(join(tmpdir(), "saga-shop-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each(ENGINES)("%s: a restart resumes from committed offsets and finishes every order exactly once", async (engine) => {
  const providers = { payment: paymentSimulator({ latencyMs: 2 }), shipping: shippingSimulator({ latencyMs: 2 }) };
  const pg = engine === "postgres" ? await freshPostgres() : null;
  const config = pg ? { databaseUrl: pg.url, handlingMs: 20 } : { dataDir: join(dir, "pg"), handlingMs: 20 };
  const cards = ["tok_visa", "tok_visa", "tok_decline", "tok_visa"];
  const first = await startShop(config, providers);
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) {
    ids.push(await first.place(`crash-${i % 7}`, { sku: i % 2 ? "BOK-002" : "SPT-009", card: cards[i % cards.length] }));
  }
  await Bun.sleep(30);
  // Crash: cut the database while batches, relay and timers are mid-flight.
  await first.sys.database.close();
  await first.sys.stop().catch(() => undefined);

  const second = await startShop(config, providers);
  try {
    const finals = await Promise.all(ids.map((id) => second.waitFor(id, ["SHIPPED", "PAYMENT_FAILED"], 30_000)));
    finals.forEach((o, i) => {
      expect(o.status).toBe(cards[i % cards.length] === "tok_decline" ? "PAYMENT_FAILED" : "SHIPPED");
      const statuses = o.timeline.map((t) => t.status);
      expect(new Set(statuses).size).toBe(statuses.length);
    });
    // Capture follows shipping: wait for it, then make sure each payment was captured once.
    const shipped = finals.filter((o) => o.status === "SHIPPED").length;
    await waitUntil(async () => (await providers.payment.ledger()).filter((e) => e.kind === "capture").length >= shipped, 30_000, "captures");
    const ledger = await providers.payment.ledger();
    for (const kind of ["authorize", "capture"] as const) {
      const perPayment = new Map<string, number>();
      for (const e of ledger.filter((x) => x.kind === kind)) perPayment.set(e.paymentId, (perPayment.get(e.paymentId) ?? 0) + 1);
      expect([...perPayment.values()].every((n) => n === 1)).toBe(true);
    }
    expect(ledger.filter((e) => e.kind === "capture")).toHaveLength(shipped);
    expect(new Set((await providers.shipping.shipments()).map((s) => s.orderId)).size).toBe(shipped);
    expect(await providers.shipping.shipments()).toHaveLength(shipped);
    const rows = await second.sys.database.db.select().from(stock);
    expect(rows.every((r) => r.reserved >= 0 && r.onHand >= r.reserved)).toBe(true);
  } finally {
    await second.stop();
    await pg?.drop();
  }
});
