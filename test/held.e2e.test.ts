/**
 * Paths that need a paid order to wait for shipping (a long handling time) and short
 * reservations: cancel after payment, refunds, admin hold, reservation expiry.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { path, startShop, waitUntil, type Shop } from "./kit.ts";
import { ALL_ENGINES } from "./engines.ts";

describe.each(ALL_ENGINES)("%s", (engine) => {
  let shop: Shop;
  let admin: string;
  beforeAll(async () => {
    shop = await startShop({ handlingMs: 60_000, reservationTtlMs: 600 }, undefined, engine);
    admin = await shop.token("admin");
  });
  afterAll(() => shop.stop());

  describe("cancel after payment", () => {
    test("REFUND_PENDING then CANCELLED, stock released", async () => {
      const before = (await shop.stockOf("HOM-002")).available;
      const id = await shop.place("dave", { sku: "HOM-002", qty: 2 });
      await shop.waitFor(id, ["PAYMENT_AUTHORIZED"]);
      const res = await shop.call("POST", `/api/orders/${id}/cancel`, { token: await shop.token("customer", "dave") });
      expect(res.status).toBe(202);
      expect(res.json.status).toBe("REFUND_PENDING");
      const done = await shop.waitFor(id, ["CANCELLED"]);
      expect(path(done)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "REFUND_PENDING", "CANCELLED"]);
      await waitUntil(async () => (await shop.stockOf("HOM-002")).available === before);
    });

    test("a refund the issuer rejects -> REFUND_FAILED; admin retry tries again", async () => {
      const id = await shop.place("dave", { sku: "HOM-003", card: "tok_refund_fail" });
      await shop.waitFor(id, ["PAYMENT_AUTHORIZED"]);
      await shop.call("POST", `/api/orders/${id}/cancel`, { token: await shop.token("customer", "dave") });
      const failed = await shop.waitFor(id, ["REFUND_FAILED"]);
      expect(failed.timeline.at(-1)?.reason).toContain("refund");
      expect((await shop.call("POST", `/api/admin/orders/${id}/retry`, { token: admin })).status).toBe(202);
      await waitUntil(async () => path(await shop.waitFor(id, ["REFUND_FAILED"])).length === 7);
      expect(path(await shop.waitFor(id, ["REFUND_FAILED"]))).toEqual([
        "CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "REFUND_PENDING", "REFUND_FAILED", "REFUND_PENDING", "REFUND_FAILED",
      ]);
    });

    test("an admin hold (PROCESSING) can be cancelled and refunded", async () => {
      const id = await shop.place("dave", { sku: "HOM-004" });
      await shop.waitFor(id, ["PAYMENT_AUTHORIZED"]);
      const hold = await shop.call("PATCH", `/api/admin/orders/${id}/status`, { token: admin, body: { status: "PROCESSING" } });
      expect(hold.status).toBe(202);
      expect(hold.json.status).toBe("PROCESSING");
      await shop.call("POST", `/api/orders/${id}/cancel`, { token: await shop.token("customer", "dave") });
      expect(path(await shop.waitFor(id, ["CANCELLED"]))).toEqual([
        "CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "PROCESSING", "REFUND_PENDING", "CANCELLED",
      ]);
    });
  });

  describe("reservation expiry", () => {
    test("a failed payment's reservation expires -> INVENTORY_RELEASED, stock back", async () => {
      const before = (await shop.stockOf("HOM-005")).available;
      const id = await shop.place("erin", { sku: "HOM-005", qty: 2, card: "tok_decline" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      const released = await shop.waitFor(id, ["INVENTORY_RELEASED"]);
      expect(released.timeline.at(-1)?.reason).toBe("reservation expired");
      await waitUntil(async () => (await shop.stockOf("HOM-005")).available === before);
      const retry = await shop.call("POST", `/api/admin/orders/${id}/retry`, { token: admin });
      expect(retry.status).toBe(409);
      expect(retry.json.status).toBe("INVENTORY_RELEASED");
    });
  });
});
