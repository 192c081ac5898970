/**
 * The admins' alerts end to end, on every engine (in distributed mode NATS carries the live
 * updates): a saga whose payment request is dead-lettered waits with nobody to answer it,
 * its stall timer flags it, and the stalled-saga and dead-letter alerts open; replaying the letter moves the order and both
 * resolve. A failed saga, low stock, acknowledging (audited) and who may see any of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Alert } from "../actors/ops/alerts.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import type { PaymentProvider } from "../actors/providers/ports.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { ALL_ENGINES } from "./engines.ts";
import { startShop, waitUntil, type Shop } from "./kit.ts";
import { sseReader } from "./sse.ts";
import { visitor } from "./visitor.ts";

const STALL_MS = 400;
let shop: Shop;
let admin: string;
/** While set, the card processor fails every authorization with a fault (not an answer): the request is dead-lettered. */
let broken = false;

describe.each(ALL_ENGINES)("%s", (engine) => {
  beforeAll(async () => {
    const inner = paymentSimulator();
    const payment: PaymentProvider = {
      ...inner,
      authorize: (key, input) => (broken ? Promise.reject(new Error("processor fault")) : inner.authorize(key, input)),
    };
    shop = await startShop({ stallAfterMs: STALL_MS, refundStallAfterMs: STALL_MS, maxAttempts: 2 }, { payment, shipping: shippingSimulator() }, engine);
    admin = await shop.token("admin");
  });
  afterAll(() => shop.stop());

  const openAlerts = async (kind?: string): Promise<Alert[]> => {
    const res = await shop.call("GET", `/api/admin/alerts${kind ? `?kind=${kind}` : ""}`, { token: admin });
    expect(res.status).toBe(200);
    return res.json.alerts;
  };

  describe("a stalled saga", () => {
    test("is flagged by its timer, alerts with the dead letter behind it, and both resolve when it moves", async () => {
      broken = true;
      const id = await shop.place("stella", { sku: "AUD-002" });
      await shop.waitFor(id, ["INVENTORY_RESERVED"]);
      let letterId = "";
      await waitUntil(async () => {
        const letter = (await openAlerts("deadLetter")).find((a) => (a.details as { key?: string }).key === id);
        letterId = letter?.subject ?? "";
        return letterId !== "";
      }, 10_000, "the dead letter's alert");
      await waitUntil(async () => (await openAlerts("stalled")).some((a) => a.subject === id), 10_000, "the stalled saga's alert");
      const stalled = (await openAlerts("stalled")).find((a) => a.subject === id)!;
      expect(stalled.summary).toContain("INVENTORY_RESERVED");
      expect(stalled.details).toMatchObject({ status: "INVENTORY_RESERVED", afterMs: STALL_MS });
      expect(await shop.sys.alerts.stalledSagas()).toBeGreaterThanOrEqual(1);
      const history = (await shop.waitFor(id, ["INVENTORY_RESERVED"])).timeline;

      broken = false;
      const replay = await shop.call("POST", `/api/admin/dead-letters/${letterId}/replay`, { token: admin, body: { reason: "processor fixed" } });
      expect(replay.status).toBe(202);
      const moved = await shop.waitFor(id, ["SHIPPED"]);
      // the stall recorded nothing in the order's own history
      expect(moved.timeline.slice(0, history.length)).toEqual(history);
      await waitUntil(async () => !(await openAlerts("stalled")).some((a) => a.subject === id), 10_000, "the stall to resolve");
      await waitUntil(async () => !(await openAlerts("deadLetter")).some((a) => a.subject === letterId), 10_000, "the letter's alert to resolve");
      const row = await shop.sys.alerts.get(stalled.id);
      expect(row.resolvedAt).not.toBeNull();
      expect(row.acknowledgedAt).toBeNull();
    });

    test("an order that keeps moving is never flagged", async () => {
      const id = await shop.place("stella", { sku: "AUD-001" });
      await shop.waitFor(id, ["SHIPPED"]);
      await Bun.sleep(STALL_MS * 2);
      expect((await openAlerts("stalled")).some((a) => a.subject === id)).toBe(false);
    });
  });

  describe("a failed saga", () => {
    test("alerts, is acknowledged with a reason in the audit log, and resolves when an admin settles it", async () => {
      const id = await shop.place("fay", { card: "tok_decline" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      let alert: Alert | undefined;
      await waitUntil(async () => !!(alert = (await openAlerts("failed")).find((a) => a.subject === id)), 10_000, "the failed saga's alert");
      expect(alert!.summary).toContain("PAYMENT_FAILED");

      const ack = await shop.call("POST", `/api/admin/alerts/${alert!.id}/acknowledge`, { token: admin, body: { reason: "calling the customer" } });
      expect(ack.status).toBe(200);
      expect(ack.json).toMatchObject({ id: alert!.id, acknowledgedBy: "admin-1", ackReason: "calling the customer" });
      expect((await openAlerts("failed")).some((a) => a.id === alert!.id)).toBe(false);
      const audit = await shop.sys.audit.list({ objectType: "alert", objectId: String(alert!.id), limit: 5 });
      expect(audit.entries).toEqual([expect.objectContaining({
        action: "alert.acknowledge", fromState: "open", toState: "acknowledged", reason: "calling the customer", outcome: "done", adminId: "admin-1",
      })]);

      const again = await shop.call("POST", `/api/admin/alerts/${alert!.id}/acknowledge`, { token: admin });
      expect(again).toMatchObject({ status: 409, json: { code: "NOT_OPEN" } });
      expect((await shop.sys.audit.list({ objectType: "alert", objectId: String(alert!.id), limit: 5 })).entries[0]).toMatchObject({ outcome: "refused" });

      // acknowledged is not resolved: the order still waits; releasing its stock settles it
      expect((await shop.sys.alerts.get(alert!.id)).resolvedAt).toBeNull();
      const release = await shop.call("POST", `/api/admin/orders/${id}/compensate`, { token: admin, body: { action: "releaseInventory" } });
      expect(release.status).toBe(202);
      await waitUntil(async () => (await shop.sys.alerts.get(alert!.id)).resolvedAt !== null, 10_000, "the failure to resolve");
    });
  });

  describe("low stock", () => {
    test("opens when a product's available units fall under 10 and closes when it is restocked", async () => {
      const sku = "HOM-004";
      await shop.oneWarehouse(sku);
      const { available } = await shop.stockOf(sku);
      const adjust = (delta: number) => shop.call("POST", `/api/admin/products/${sku}/stock`, { token: admin, body: { delta, reason: "count", warehouse: "BER" } });
      expect((await adjust(5 - available)).status).toBe(200);
      const low = (await openAlerts("lowStock")).find((a) => a.subject === sku);
      expect(low?.summary).toContain("5 left");
      expect((await adjust(available)).status).toBe(200);
      expect((await openAlerts("lowStock")).some((a) => a.subject === sku)).toBe(false);
      expect((await shop.sys.alerts.get(low!.id)).resolvedAt).not.toBeNull();
    });
  });

  describe("the console", () => {
    test("every admin page carries the open count; /admin/alerts lists them, filtered, and acknowledges by form", async () => {
      const id = await shop.place("fay", { card: "tok_insufficient_funds" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      let alert: Alert | undefined;
      await waitUntil(async () => !!(alert = (await openAlerts("failed")).find((a) => a.subject === id)), 10_000, "the alert");
      const page = await visitor(shop).signIn("al-ada", "admin");
      const audit = await (await page.get("/admin/audit")).text();
      expect(audit).toMatch(/class="badge badge-problem alert-count">\d+/);
      expect(audit).toContain(`href="/admin/orders/${id}"`);
      const failedOnly = await (await page.get("/admin/alerts?kind=failed")).text();
      expect(failedOnly).toContain(`action="/admin/alerts/${alert!.id}/acknowledge"`);
      const lowOnly = await (await page.get("/admin/alerts?kind=lowStock")).text();
      expect(lowOnly).not.toContain(`action="/admin/alerts/${alert!.id}/acknowledge"`);
      expect((await page.get("/admin/alerts?kind=nope")).status).toBe(400);

      const done = await page.post(`/admin/alerts/${alert!.id}/acknowledge`, { reason: "", kind: "failed" });
      expect(done.status).toBe(303);
      expect(done.headers.get("location")).toBe(`/admin/alerts?kind=failed&acknowledged=${alert!.id}`);
      expect((await shop.sys.alerts.get(alert!.id)).acknowledgedBy).toBe("al-ada");
      expect((await page.post("/admin/alerts/0/acknowledge", {})).status).toBe(400);
      expect((await page.post("/admin/alerts/99999999/acknowledge", {})).status).toBe(404);
    });

    test("an alert that opens while an admin watches reaches the navigation's stream", async () => {
      const page = await visitor(shop).signIn("al-bo", "admin");
      const stream = await page.get("/admin/alerts/live", { accept: "text/event-stream" });
      expect(stream.status).toBe(200);
      const sse = sseReader(stream);
      try {
        await sse.next();
        const id = await shop.place("fay", { card: "tok_decline" });
        let frame = await sse.message();
        while (!frame.data.includes(id)) frame = await sse.message();
        expect(frame.data).toContain('<hx-partial hx-target="#alert-count" hx-swap="outerMorph">');
        expect(frame.data).toContain('<hx-partial hx-target="#alert-strip" hx-swap="outerMorph">');
      } finally {
        await sse.cancel();
      }
    });

    test("guests and customers are refused on every new route and stream", async () => {
      const customer = await shop.token("customer", "cy");
      for (const token of [undefined, customer]) {
        const want = token ? 403 : 401;
        expect((await shop.call("GET", "/api/admin/alerts", { token })).status).toBe(want);
        expect((await shop.call("POST", "/api/admin/alerts/1/acknowledge", { token })).status).toBe(want);
      }
      const guest = visitor(shop);
      const cy = await visitor(shop).signIn("al-cy");
      for (const path of ["/admin/alerts/live", "/admin/alerts/stream"]) {
        expect((await guest.get(path, { accept: "text/event-stream" })).status).toBe(401);
        expect((await cy.get(path, { accept: "text/event-stream" })).status).toBe(403);
      }
      expect((await guest.get("/admin/alerts")).status).toBe(303);
      expect((await cy.get("/admin/alerts")).status).toBe(403);
      expect((await guest.post("/admin/alerts/1/acknowledge", { reason: "x" })).status).toBe(401);
      expect((await cy.post("/admin/alerts/1/acknowledge", { reason: "x" })).status).toBe(403);
      // the storefront's pages carry no alerts
      expect(await (await cy.get("/")).text()).not.toContain("alert-count");
    });
  });
});
