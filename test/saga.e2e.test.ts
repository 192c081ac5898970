/** Every path of the order saga, end to end through the HTTP API on the embedded default. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sqlBooks } from "../actors/providers/books.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { ALL_ENGINES } from "./engines.ts";
import { path, startShop, waitUntil, type Shop } from "./kit.ts";

describe.each(ALL_ENGINES)("%s", (engine) => {
  let shop: Shop;
  let admin: string;
  beforeAll(async () => {
    shop = await startShop({}, undefined, engine);
    admin = await shop.token("admin");
  });
  afterAll(() => shop.stop());

  const post = (p: string, body?: unknown) => shop.call("POST", p, { token: admin, body });

  describe("checkout", () => {
    test("happy path reaches SHIPPED, then DELIVERED by an admin", async () => {
      const before = (await shop.stockOf("AUD-002")).available;
      const id = await shop.place("alice", { sku: "AUD-002", qty: 2 });
      const shipped = await shop.waitFor(id, ["SHIPPED"]);
      expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
      expect((await shop.stockOf("AUD-002")).available).toBe(before - 2);
      const res = await shop.call("PATCH", `/api/admin/orders/${id}/status`, { token: admin, body: { status: "DELIVERED" } });
      expect(res.status).toBe(202);
      expect(path(await shop.waitFor(id, ["DELIVERED"])).at(-1)).toBe("DELIVERED");
    });

    test("insufficient stock -> INVENTORY_FAILED; after restocking an admin retry ships it", async () => {
      const id = await shop.place("alice", { sku: "BOK-008", qty: 5 });
      const failed = await shop.waitFor(id, ["INVENTORY_FAILED"]);
      expect(failed.timeline.at(-1)?.reason).toContain("BOK-008");
      expect(failed.timeline.at(-1)?.code).toBe("OUT_OF_STOCK");
      expect((await shop.stockOf("BOK-008")).available).toBe(4);
      expect((await post("/api/admin/products/BOK-008/stock", { delta: 10, reason: "delivery", warehouse: "BER" })).status).toBe(200);
      expect((await post(`/api/admin/orders/${id}/retry`)).status).toBe(202);
      const shipped = await shop.waitFor(id, ["SHIPPED"]);
      expect(path(shipped)).toEqual(["CREATED", "INVENTORY_FAILED", "CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
      expect((await shop.stockOf("BOK-008")).available).toBe(9);
    });
  });

  describe("payment", () => {
    test("declined card -> PAYMENT_FAILED with the reservation still held", async () => {
      const before = (await shop.stockOf("TOY-002")).available;
      const id = await shop.place("alice", { sku: "TOY-002", card: "tok_decline" });
      const failed = await shop.waitFor(id, ["PAYMENT_FAILED"]);
      expect(failed.timeline.at(-1)?.reason).toBe("card declined");
      expect(failed.timeline.at(-1)?.code).toBe("CARD_DECLINED");
      expect((await shop.stockOf("TOY-002")).available).toBe(before - 1);
    });

    test("admin retry of a failed payment ships the order", async () => {
      const id = await shop.place("alice", { sku: "TOY-003", card: "tok_decline_once" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      expect((await post(`/api/admin/orders/${id}/retry`)).status).toBe(202);
      const shipped = await shop.waitFor(id, ["SHIPPED"]);
      expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_FAILED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
    });

    test("admin compensation releases the inventory of a failed payment", async () => {
      const before = (await shop.stockOf("TOY-004")).available;
      const id = await shop.place("alice", { sku: "TOY-004", qty: 3, card: "tok_insufficient_funds" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      expect((await post(`/api/admin/orders/${id}/compensate`, { action: "releaseInventory" })).status).toBe(202);
      expect(path(await shop.waitFor(id, ["INVENTORY_RELEASED"])).at(-1)).toBe("INVENTORY_RELEASED");
      await waitUntil(async () => (await shop.stockOf("TOY-004")).available === before);
    });

    test("a provider that never answers times the step out -> PAYMENT_FAILED", async () => {
      const id = await shop.place("alice", { sku: "TOY-005", card: "tok_timeout" });
      const failed = await shop.waitFor(id, ["PAYMENT_FAILED"]);
      expect(failed.timeline.at(-1)?.reason).toContain("did not answer");
      expect(failed.timeline.at(-1)?.code).toBe("AUTHORIZATION_TIMEOUT");
    });

    test("a card that never answers holds up no other order: the orders placed with it are paid while it still waits", async () => {
      const [slow, ...others] = await Promise.all([
        shop.place("alice", { sku: "TOY-005", card: "tok_timeout" }),
        ...Array.from({ length: 8 }, (_, i) => shop.place(`payer-${i}`, { sku: "AUD-001" })),
      ]);
      await Promise.all(others.map((id) => shop.waitFor(id!, ["PAYMENT_AUTHORIZED", "PROCESSING", "SHIPPED"])));
      // its three tries take three step timeouts; the others were not in its batch's hands meanwhile
      expect((await shop.call("GET", `/api/orders/${slow}`, { token: admin })).json.status).toBeOneOf(["CREATED", "INVENTORY_RESERVED"]);
      expect((await shop.waitFor(slow!, ["PAYMENT_FAILED"])).timeline.at(-1)?.code).toBe("AUTHORIZATION_TIMEOUT");
    });

    test("an authorization and a booking whose answers are lost are found by lookup: SHIPPED, each done once", async () => {
      const id = await shop.place("alice", { sku: "HOM-003", card: "tok_answer_lost", postalCode: "00009" });
      const shipped = await shop.waitFor(id, ["SHIPPED", "PAYMENT_FAILED", "SHIPPING_FAILED"]);
      expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
      // The simulators' books, in the shop's database, as the provider keeps them.
      const payment = paymentSimulator({ books: sqlBooks(shop.sys.database.sql, "payment") });
      const shipping = shippingSimulator({ books: sqlBooks(shop.sys.database.sql, "shipping") });
      await waitUntil(async () => (await payment.ledger()).some((e) => e.orderId === id && e.kind === "capture"), 10_000, "the capture");
      expect((await payment.ledger()).filter((e) => e.orderId === id).map((e) => e.kind)).toEqual(["authorize", "capture"]);
      expect((await shipping.shipmentsFor(id)).map((s) => s.key)).toEqual([`ship:${id}:1`]);
    });
  });

  describe("warehouses", () => {
    /** Put exactly these units of `sku` in these warehouses, none reserved. */
    async function stockAt(sku: string, at: Record<string, number>) {
      const sql = shop.sys.database.sql;
      await sql.query("DELETE FROM inventory.stock WHERE sku = $1", [sku]);
      await sql.query(`INSERT INTO inventory.stock (sku, warehouse, on_hand, reserved) SELECT $1, w, n, 0 FROM unnest($2::text[], $3::int[]) AS t(w, n)`,
        [sku, Object.keys(at), Object.values(at)]);
    }
    const levels = async (sku: string) => Object.fromEntries((await shop.sys.database.sql.query<{ warehouse: string; on_hand: number; reserved: number }>(
      "SELECT warehouse, on_hand, reserved FROM inventory.stock WHERE sku = $1 ORDER BY warehouse", [sku])).map((r) => [r.warehouse, [r.on_hand, r.reserved]]));

    test("a line more than one warehouse holds is split, reserved in both and shipped as two parcels", async () => {
      await stockAt("SPT-006", { BER: 2, LYS: 3, NJ: 9 });
      const id = await shop.place("wanda", { sku: "SPT-006", qty: 4, country: "DE" });
      const shipped = await shop.waitFor(id, ["SHIPPED", "INVENTORY_FAILED", "PAYMENT_FAILED", "SHIPPING_FAILED"]);
      expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
      // Germany first (BER), then by priority (LYS before NJ)
      expect(shipped.allocations).toEqual([{ sku: "SPT-006", warehouse: "BER", qty: 2 }, { sku: "SPT-006", warehouse: "LYS", qty: 2 }]);
      expect(shipped.parcels?.map((p) => [p.warehouse, p.items])).toEqual([["BER", [{ sku: "SPT-006", qty: 2 }]], ["LYS", [{ sku: "SPT-006", qty: 2 }]]]);
      const shipping = shippingSimulator({ books: sqlBooks(shop.sys.database.sql, "shipping") });
      const booked = await shipping.shipmentsFor(id);
      expect(booked.map((b) => [b.key, b.warehouse, b.items])).toEqual([
        [`ship:${id}:1:BER`, "BER", [{ sku: "SPT-006", qty: 2 }]], [`ship:${id}:1:LYS`, "LYS", [{ sku: "SPT-006", qty: 2 }]],
      ]);
      expect(shipped.parcels?.map((p) => p.trackingNumber)).toEqual(booked.map((b) => b.trackingNumber));
      // each warehouse gave exactly what it shipped
      await waitUntil(async () => JSON.stringify(await levels("SPT-006")) === JSON.stringify({ BER: [0, 0], LYS: [1, 0], NJ: [9, 0] }), 10_000, "the shipment's stock");
    });

    test("the customer's country comes first; a release after a failed payment gives each warehouse its units back", async () => {
      await stockAt("SPT-007", { BER: 5, LYS: 1, NJ: 2 });
      const id = await shop.place("wanda", { sku: "SPT-007", qty: 3, country: "US", card: "tok_decline" });
      const failed = await shop.waitFor(id, ["PAYMENT_FAILED"]);
      expect(failed.allocations).toEqual([{ sku: "SPT-007", warehouse: "NJ", qty: 2 }, { sku: "SPT-007", warehouse: "BER", qty: 1 }]);
      expect(await levels("SPT-007")).toEqual({ BER: [5, 1], LYS: [1, 0], NJ: [2, 2] });
      expect((await post(`/api/admin/orders/${id}/compensate`, { action: "releaseInventory" })).status).toBe(202);
      await shop.waitFor(id, ["INVENTORY_RELEASED"]);
      await waitUntil(async () => JSON.stringify(await levels("SPT-007")) === JSON.stringify({ BER: [5, 0], LYS: [1, 0], NJ: [2, 0] }), 10_000, "the release");
    });
  });

  describe("shipping", () => {
    test("undeliverable address -> SHIPPING_FAILED; refund compensation -> REFUNDED with stock back", async () => {
      const before = (await shop.stockOf("SPT-001")).available;
      const id = await shop.place("alice", { sku: "SPT-001", postalCode: "00000" });
      await shop.waitFor(id, ["SHIPPING_FAILED"]);
      expect((await post(`/api/admin/orders/${id}/compensate`, { action: "refundPayment" })).status).toBe(202);
      const refunded = await shop.waitFor(id, ["REFUNDED"]);
      expect(path(refunded)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPING_FAILED", "REFUND_PENDING", "REFUNDED"]);
      await waitUntil(async () => (await shop.stockOf("SPT-001")).available === before);
    });

    test("admin retry of failed shipping ships the order", async () => {
      const id = await shop.place("alice", { sku: "SPT-002", postalCode: "00001" });
      await shop.waitFor(id, ["SHIPPING_FAILED"]);
      expect((await post(`/api/admin/orders/${id}/retry`)).status).toBe(202);
      const shipped = await shop.waitFor(id, ["SHIPPED"]);
      expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPING_FAILED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
    });
  });

  describe("cancellation before payment", () => {
    test("cancel after a declined payment -> CANCELLED and the stock is released", async () => {
      const before = (await shop.stockOf("SPT-003")).available;
      const id = await shop.place("bob", { sku: "SPT-003", qty: 2, card: "tok_decline" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      const res = await shop.call("POST", `/api/orders/${id}/cancel`, { token: await shop.token("customer", "bob") });
      expect(res.status).toBe(202);
      expect(res.json.status).toBe("CANCELLED");
      await shop.waitFor(id, ["CANCELLED"]);
      await waitUntil(async () => (await shop.stockOf("SPT-003")).available === before);
    });

    test("cancel racing the saga right after checkout ends CANCELLED with no stock held and nothing charged", async () => {
      const before = (await shop.stockOf("SPT-005")).available;
      const id = await shop.place("bob", { sku: "SPT-005", card: "tok_decline" });
      const res = await shop.call("POST", `/api/orders/${id}/cancel`, { token: await shop.token("customer", "bob") });
      expect(res.status).toBe(202);
      await shop.waitFor(id, ["CANCELLED"]);
      await waitUntil(async () => (await shop.stockOf("SPT-005")).available === before);
    });
  });

  describe("illegal commands", () => {
    test("cancelling a SHIPPED order is a 409 naming the state, and changes nothing", async () => {
      const id = await shop.place("carol", { sku: "SPT-009" });
      const shipped = await shop.waitFor(id, ["SHIPPED"]);
      const res = await shop.call("POST", `/api/orders/${id}/cancel`, { token: await shop.token("customer", "carol") });
      expect(res.status).toBe(409);
      expect(res.json).toEqual({ status: "SHIPPED", error: expect.stringContaining("SHIPPED") });
      const after = await shop.waitFor(id, ["SHIPPED"]);
      expect(after.timeline).toEqual(shipped.timeline);
    });

    test("retrying an order with no failed step is a 409", async () => {
      const id = await shop.place("carol", { sku: "SPT-008" });
      await shop.waitFor(id, ["SHIPPED"]);
      const res = await post(`/api/admin/orders/${id}/retry`);
      expect(res.status).toBe(409);
      expect(res.json.status).toBe("SHIPPED");
    });
  });
});
