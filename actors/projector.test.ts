import { describe, expect, test } from "bun:test";
import { envelope, parseEnvelope, type Envelope, type OrderStatus } from "./contracts/index.ts";
import { projectorActor, type OrderView } from "./projector.ts";
import { ADDRESS, ITEMS, NOW, ORDER, PLACE, TOTAL, ev, handlingToken, msg, nextId, run } from "./testing/test-kit.ts";

const decide = (v: OrderView | null, e: Envelope) => projectorActor.decide(v, e, { now: NOW, res: {} });
function view(v: OrderView | null, e: Envelope): OrderView {
  const out = decide(v, e);
  if (out.kind !== "ok" || !out.state) throw new Error(`${e.type} was not projected`);
  return out.state;
}

const created = ev({
  type: "order.OrderCreated.v1",
  payload: { orderId: ORDER, customerId: "cust-1", items: ITEMS, total: TOTAL, currency: "EUR", shippingAddress: ADDRESS },
});
/** Built and validated by hand (not via `ev`) to show the raw wire round trip, caused by the creation. */
const changed = (from: OrderStatus, to: OrderStatus, at: Date) => parseEnvelope(JSON.stringify(envelope({
  type: "order.StatusChanged.v1", payload: { orderId: ORDER, from, to, reason: `${from} to ${to}`, details: { n: 1 } },
}, ORDER, at, created, nextId())));

describe("projector", () => {
  test("OrderCreated builds the view with a one-entry timeline", () => {
    expect(view(null, created)).toEqual({
      orderId: ORDER, customerId: "cust-1", status: "CREATED", items: ITEMS, total: TOTAL, currency: "EUR",
      createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(),
      timeline: [{ status: "CREATED", at: NOW.toISOString(), reason: "order placed", details: {} }],
    });
  });

  test("a second OrderCreated does not reset the view", () => {
    const v = view(view(null, created), changed("CREATED", "INVENTORY_RESERVED", NOW));
    expect(decide(v, created).kind).toBe("ignore");
  });

  test("StatusChanged sets the status and appends to the timeline, in order", () => {
    const later = new Date(NOW.getTime() + 60_000);
    const v1 = view(view(null, created), changed("CREATED", "INVENTORY_RESERVED", NOW));
    const v2 = view(v1, changed("INVENTORY_RESERVED", "PAYMENT_FAILED", later));
    expect(v2).toMatchObject({ status: "PAYMENT_FAILED", createdAt: NOW.toISOString(), updatedAt: later.toISOString() });
    expect(v2.timeline.map((t) => t.status)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_FAILED"]);
    expect(v2.timeline.at(-1)).toEqual({
      status: "PAYMENT_FAILED", at: later.toISOString(), reason: "INVENTORY_RESERVED to PAYMENT_FAILED", details: { n: 1 },
    });
    expect(v1.timeline).toHaveLength(2); // the earlier view is not mutated
  });

  test("a StatusChanged delivered again, after the changes that followed it, changes nothing", () => {
    const reserved = changed("CREATED", "INVENTORY_RESERVED", NOW);
    const v = view(view(view(null, created), reserved), changed("INVENTORY_RESERVED", "PAYMENT_FAILED", NOW));
    expect(decide(v, reserved).kind).toBe("ignore");
    expect(decide(v, changed("INVENTORY_RESERVED", "PAYMENT_FAILED", NOW)).kind).toBe("ignore");
  });

  test("a StatusChanged before the order's creation throws: that is how a poison message shows", () => {
    expect(() => decide(null, changed("CREATED", "CANCELLED", NOW))).toThrow(ORDER);
  });

  test.each([
    ["OrderCancelled", ev({ type: "order.OrderCancelled.v1", payload: { orderId: ORDER, reason: "x", refund: false } })],
    ["PaymentRequested", ev({ type: "order.PaymentRequested.v1", payload: { orderId: ORDER, amount: 1, currency: "EUR", paymentToken: "t", attempt: 1 } })],
  ])("%s does not change the view", (_, e) => {
    expect(decide(view(null, created), e).kind).toBe("ignore");
  });

  test("the projected timeline of a whole saga matches the order's own history", () => {
    const { state, emit } = run([
      PLACE, msg.reserved(1), msg.payFailed(1), { type: "Retry" }, msg.authorized(2),
      msg.timer("handlingElapsed", handlingToken(2)), msg.shipped(1), { type: "SetStatus", status: "DELIVERED" },
    ]);
    let v: OrderView | null = null;
    for (const e of emit) {
      const out = decide(v, ev(e));
      if (out.kind === "ok") v = out.state;
    }
    expect(v?.status).toBe("DELIVERED");
    expect(v?.timeline.map(({ status, reason, code }) => ({ status, reason, code })))
      .toEqual(state.history.map(({ status, reason, code }) => ({ status, reason, code })));
    expect(v?.timeline.find((t) => t.status === "PAYMENT_FAILED")?.code).toBe("CARD_DECLINED");
  });

  test("a StatusChanged recording a failure puts its code on the timeline entry", () => {
    const failed = ev({
      type: "order.StatusChanged.v1",
      payload: { orderId: ORDER, from: "INVENTORY_RESERVED", to: "PAYMENT_FAILED", reason: "insufficient funds", code: "INSUFFICIENT_FUNDS", details: {} },
    });
    expect(view(view(view(null, created), changed("CREATED", "INVENTORY_RESERVED", NOW)), failed).timeline.at(-1)).toEqual({
      status: "PAYMENT_FAILED", at: NOW.toISOString(), reason: "insufficient funds", code: "INSUFFICIENT_FUNDS", details: {},
    });
  });
});
