import { describe, expect, test } from "bun:test";
import { ORDER_STATUSES, type Envelope } from "./contracts/index.ts";
import { notificationActor, recipientsOf, ADMINS, type Contact, type Mailbag, type OrderFacts, type Outgoing } from "./notification.ts";
import { ADDRESS, ITEMS, NOW, ORDER, TOTAL, ev } from "./testing/test-kit.ts";
import { renderMessage } from "../views/notify/messages.tsx";

const ADA: Contact = { userId: "cust-1", email: "ada@example.com", firstName: "Ada", phone: "+41790000000", muted: [] };
const MUTED: Contact = { ...ADA, muted: ["email", "sms"] };
const ADMIN: Contact = { userId: "admin-1", email: "ops@example.com", firstName: "Olga", phone: null, muted: [] };
const bag = (who: Contact = ADA): Mailbag => ({ contacts: { [who.userId]: who }, admins: [ADMIN], outgoing: [] });
const FACTS: OrderFacts = { customerId: "cust-1", items: ITEMS, total: TOTAL, currency: "JPY" };
const id = { orderId: ORDER };
const link = { token: "t".repeat(40), expiresAt: "2030-01-02T00:00:00.000Z" };
const user = (e: Parameters<typeof ev>[0]) => ev(e, "cust-1");

const E = {
  created: ev({ type: "order.OrderCreated.v1", payload: { ...id, customerId: "cust-1", items: ITEMS, total: TOTAL, currency: "JPY", shippingAddress: ADDRESS } }),
  authorized: ev({ type: "payment.PaymentAuthorized.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL, attempt: 1 } }),
  captured: ev({ type: "payment.PaymentCaptured.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }),
  shipped: ev({ type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "TRK-7", carrier: "Post", attempt: 1 } }),
  delivered: ev({ type: "order.StatusChanged.v1", payload: { ...id, from: "SHIPPED", to: "DELIVERED", reason: "delivered", details: {} } }),
  declined: ev({ type: "order.StatusChanged.v1", payload: { ...id, from: "INVENTORY_RESERVED", to: "PAYMENT_FAILED", reason: "card declined", code: "CARD_DECLINED", details: { reservedUntil: "2030-01-01T12:15:00.000Z" } } }),
  expired: ev({ type: "order.StatusChanged.v1", payload: { ...id, from: "PAYMENT_FAILED", to: "INVENTORY_RELEASED", reason: "reservation expired", code: "RESERVATION_EXPIRED", details: {} } }),
  released: ev({ type: "order.StatusChanged.v1", payload: { ...id, from: "PAYMENT_FAILED", to: "INVENTORY_RELEASED", reason: "released by an admin", details: {} } }),
  processing: ev({ type: "order.StatusChanged.v1", payload: { ...id, from: "PAYMENT_AUTHORIZED", to: "PROCESSING", reason: "x", details: {} } }),
  cancelled: ev({ type: "order.OrderCancelled.v1", payload: { ...id, reason: "customer asked", refund: true } }),
  refunded: ev({ type: "payment.PaymentRefunded.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }),
  lowStock: ev({ type: "inventory.LowStock.v1", payload: { sku: "MUG", name: "Mug", available: 2, threshold: 5 } }, "MUG"),
  registered: user({ type: "user.Registered.v1", payload: { userId: "cust-1", email: "ada@example.com", firstName: "Ada", lastName: "L", phone: null } }),
  verify: user({ type: "user.EmailVerificationRequested.v1", payload: { userId: "cust-1", email: "new@example.com", firstName: "Ada", ...link } }),
  reset: user({ type: "user.PasswordResetRequested.v1", payload: { userId: "cust-1", email: "ada@example.com", firstName: "Ada", ...link } }),
  changed: user({ type: "user.PasswordChanged.v1", payload: { userId: "cust-1", email: "ada@example.com", firstName: "Ada" } }),
};

const decide = (s: OrderFacts | null, e: Envelope, res = bag()) => notificationActor.decide(s, e, { now: NOW, res });
const out = (s: OrderFacts | null, e: Envelope, res = bag()): Outgoing[] => {
  const o = decide(s, e, res);
  return o.kind === "ok" ? o.res!.outgoing : [];
};

type Case = [name: string, state: OrderFacts | null, e: Envelope, who: Contact, sends: [template: string, channel: string, to: string][]];
const CASES: Case[] = [
  ["order created: a confirmation", null, E.created, ADA, [["orderConfirmed", "email", "ada@example.com"]]],
  ["order created twice: nothing the second time", FACTS, E.created, ADA, []],
  ["authorized: no mail (only a hold)", FACTS, E.authorized, ADA, []],
  ["captured: the receipt", FACTS, E.captured, ADA, [["paymentReceipt", "email", "ada@example.com"]]],
  ["shipped: email and SMS", FACTS, E.shipped, ADA, [["shipped", "email", "ada@example.com"], ["shipped", "sms", "+41790000000"]]],
  ["shipped, no phone: email only", FACTS, E.shipped, { ...ADA, phone: null }, [["shipped", "email", "ada@example.com"]]],
  ["shipped, both muted: transactional email still goes, SMS does not", FACTS, E.shipped, MUTED, [["shipped", "email", "ada@example.com"]]],
  ["delivered: a confirmation by email and SMS", FACTS, E.delivered, ADA, [["delivered", "email", "ada@example.com"], ["delivered", "sms", "+41790000000"]]],
  ["delivered, SMS muted: the email only", FACTS, E.delivered, { ...ADA, muted: ["sms"] }, [["delivered", "email", "ada@example.com"]]],
  ["delivered, both muted: none", FACTS, E.delivered, MUTED, []],
  ["payment declined: told, with a way to pay again", FACTS, E.declined, ADA, [["paymentDeclined", "email", "ada@example.com"]]],
  ["payment declined, email muted: transactional mail still goes", FACTS, E.declined, MUTED, [["paymentDeclined", "email", "ada@example.com"]]],
  ["reservation ran out unpaid: told the order is closed", FACTS, E.expired, ADA, [["closedUnpaid", "email", "ada@example.com"]]],
  ["released for another reason (an admin): none", FACTS, E.released, ADA, []],
  ["another status change: none", FACTS, E.processing, ADA, []],
  ["cancelled", FACTS, E.cancelled, ADA, [["cancelled", "email", "ada@example.com"]]],
  ["refunded", FACTS, E.refunded, ADA, [["refunded", "email", "ada@example.com"]]],
  ["refunded after a cancel that took no money (a late hold voided): none", { ...FACTS, cancelledUnpaid: true }, E.refunded, ADA, []],
  ["payment for an unknown order: none", null, E.captured, ADA, []],
  ["low stock: every admin", null, E.lowStock, ADA, [["lowStock", "email", "ops@example.com"]]],
  ["registered: welcome", null, E.registered, ADA, [["welcome", "email", "ada@example.com"]]],
  ["registered, email muted: no welcome", null, E.registered, MUTED, []],
  ["verification: to the address being verified", null, E.verify, ADA, [["verifyEmail", "email", "new@example.com"]]],
  ["verification, muted: security mail always goes", null, E.verify, MUTED, [["verifyEmail", "email", "new@example.com"]]],
  ["password reset", null, E.reset, MUTED, [["passwordReset", "email", "ada@example.com"]]],
  ["password changed", null, E.changed, MUTED, [["passwordChanged", "email", "ada@example.com"]]],
];

describe("notification decide: who gets what on which channel", () => {
  test.each(CASES)("%s", (_, s, e, who, sends) => {
    const got = out(s, e, bag(who));
    expect(got.map((m) => [m.template.kind, m.channel, m.to])).toEqual(sends);
    // one key per (event, recipient, channel): what makes a redelivery add nothing
    for (const m of got) expect(m.key).toBe(`${e.eventId}:${m.userId}:${m.channel}`);
  });

  test("the same event decided again makes the same keys (the database keeps the first)", () => {
    expect(out(FACTS, E.shipped).map((m) => m.key)).toEqual(out(FACTS, E.shipped).map((m) => m.key));
  });

  test("an unpaid cancel is remembered, so a hold voided later is not mailed as a refund", () => {
    const unpaid = ev({ type: "order.OrderCancelled.v1", payload: { ...id, reason: "cancelled by customer", refund: false } });
    const o = decide(FACTS, unpaid);
    expect(o.kind === "ok" && o.state).toEqual({ ...FACTS, cancelledUnpaid: true });
    const paid = decide(FACTS, E.cancelled);
    expect(paid.kind === "ok" && paid.state).toEqual(FACTS);
  });

  test("the order's facts are kept from its creation, and the parcel once shipped", () => {
    const c = decide(null, E.created);
    expect(c.kind === "ok" && c.state).toEqual(FACTS);
    const s = decide(FACTS, E.shipped);
    expect(s.kind === "ok" && s.state).toEqual({ ...FACTS, carrier: "Post", trackingNumber: "TRK-7" });
  });

  test("recipients loaded per message", () => {
    expect(recipientsOf(null, E.created)).toEqual(["cust-1"]);
    expect(recipientsOf(FACTS, E.captured)).toEqual(["cust-1"]);
    expect(recipientsOf(null, E.captured)).toEqual([]);
    expect(recipientsOf(null, E.lowStock)).toEqual([ADMINS]);
    expect(recipientsOf(null, E.reset)).toEqual(["cust-1"]);
  });
});

const BASE = "https://shop.example.com/";
const only = (s: OrderFacts | null, e: Envelope, i = 0) => out(s, e)[i]!;
const rendered = (m: Outgoing) => renderMessage(m.template, m.channel, BASE);

describe("notification templates: HTML and text, the order's currency, links to the shop", () => {
  type T = [name: string, m: Outgoing, subject: RegExp, both: string[]];
  const T: T[] = [
    ["confirmation in yen", only(null, E.created), /Order order-1 received/, ["¥4,900", "https://shop.example.com/orders/order-1", "Mug"]],
    ["receipt in yen", only(FACTS, E.captured), /Receipt/, ["¥4,900", "pay-1"]],
    ["payment declined", only(FACTS, E.declined), /Payment declined for order order-1/,
      ["¥4,900", "No money was taken", "held for you until 1 Jan 2030", "https://shop.example.com/orders/order-1"]],
    ["closed unpaid", only(FACTS, E.expired), /Order order-1 was closed unpaid/, ["¥4,900", "No money was taken", "https://shop.example.com/orders/order-1"]],
    ["shipment", only(FACTS, E.shipped), /has shipped/, ["Post", "TRK-7"]],
    ["delivery", only(FACTS, E.delivered), /delivered/, ["https://shop.example.com/orders/order-1"]],
    ["cancellation with refund", only(FACTS, E.cancelled), /cancelled/, ["customer asked", "¥4,900", "refunded to your card"]],
    ["refund", only(FACTS, E.refunded), /Refund/, ["¥4,900", "business days"]],
    ["welcome", only(null, E.registered), /Welcome/, ["Ada"]],
    ["verification link", only(null, E.verify), /Confirm/, [`https://shop.example.com/verify-email?token=${link.token}`]],
    ["reset link", only(null, E.reset), /Reset/, [`https://shop.example.com/reset-password?token=${link.token}`]],
    ["password changed", only(null, E.changed), /changed/, ["https://shop.example.com/forgot-password"]],
    ["low stock", only(null, E.lowStock), /Low stock: Mug/, ["MUG", "threshold 5"]],
  ];
  test.each(T)("%s", (_, m, subject, both) => {
    const r = rendered(m);
    expect(r.subject).toMatch(subject);
    expect(r.html.startsWith("<!doctype html>")).toBe(true);
    for (const s of both) {
      expect(r.text).toContain(s);
      expect(r.html).toContain(s.replaceAll("&", "&amp;"));
    }
  });

  test("the SMS is short text with the tracking number", () => {
    const r = rendered(only(FACTS, E.shipped, 1));
    expect(r.html).toBe("");
    expect(r.text).toContain("TRK-7");
    expect(r.text.length).toBeLessThan(320);
  });

  test("what comes from a customer is escaped in the HTML", () => {
    const r = renderMessage({ kind: "welcome", firstName: "<script>x</script>" }, "email", BASE);
    expect(r.html).not.toContain("<script>x");
    expect(r.html).toContain("&lt;script>");
  });
});

describe("what the notifier wants of the messages it reads", () => {
  const changedTo = (to: (typeof ORDER_STATUSES)[number]) =>
    ev({ type: "order.StatusChanged.v1", payload: { ...id, from: "SHIPPED", to, reason: "x", details: {} } });
  test.each([...ORDER_STATUSES])("a change to %s: wanted only if decide makes a message of it (in any state)", (to) => {
    const wanted = notificationActor.wants!(changedTo(to));
    expect(wanted).toBe(to === "DELIVERED" || to === "PAYMENT_FAILED");
    if (wanted) return;
    for (const s of [null, FACTS, { ...FACTS, carrier: "Post", trackingNumber: "TRK-7" }]) expect(decide(s, changedTo(to)).kind).toBe("ignore");
  });
  test("a release is wanted only when the reservation ran out unpaid", () => {
    expect(notificationActor.wants!(E.expired)).toBe(true);
    expect(notificationActor.wants!(E.released)).toBe(false);
  });
  test("every other type it reads is wanted", () => {
    for (const e of Object.values(E).filter((e) => e.type !== "order.StatusChanged.v1")) expect(notificationActor.wants!(e)).toBe(true);
  });
});
