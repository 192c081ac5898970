/**
 * The notification actor: reads the order, payment, shipping, account and stock events and
 * decides which messages go to whom on which channel. It sends nothing itself: each message
 * is a row written in the same transaction as its state (actors/stores.ts,
 * `notificationResources`), unique per (event, recipient, channel), so a redelivered or
 * replayed event adds none; the delivery worker sends the rows after commit.
 */
import type { Envelope, OrderItem, PayloadOf } from "./contracts/index.ts";
import { ignore, ok, type Actor } from "./runtime/actor.ts";

export type Channel = "email" | "sms";

/** What a message needs to know about its recipient (loaded with the batch). */
export type Contact = {
  userId: string;
  email: string;
  firstName: string;
  phone: string | null;
  /** channels the customer turned off for messages that are not essential */
  muted: Channel[];
};

/** The order facts the messages of one order show, kept from its creation on. */
export type OrderFacts = {
  customerId: string;
  items: OrderItem[];
  total: number;
  currency: string;
  /** set once the order shipped */
  carrier?: string;
  trackingNumber?: string;
  /** cancelled before it was paid: the customer was told no money was taken */
  cancelledUnpaid?: boolean;
};

/** The templates (views/notify/messages.tsx renders each as HTML and text). */
export type Template =
  | { kind: "welcome"; firstName: string }
  | { kind: "verifyEmail"; firstName: string; token: string; expiresAt: string }
  | { kind: "passwordReset"; firstName: string; token: string; expiresAt: string }
  | { kind: "passwordChanged"; firstName: string }
  | { kind: "orderConfirmed"; orderId: string; items: OrderItem[]; total: number; currency: string }
  | { kind: "paymentReceipt"; orderId: string; amount: number; currency: string; paymentId: string }
  /** the card was declined: another card can pay from the order page until the items go back */
  | { kind: "paymentDeclined"; orderId: string; total: number; currency: string; reservedUntil?: string }
  /** no card paid before the reservation ran out: the order is closed and its items went back */
  | { kind: "closedUnpaid"; orderId: string; total: number; currency: string }
  | { kind: "shipped"; orderId: string; carrier: string; trackingNumber: string }
  | { kind: "delivered"; orderId: string }
  | { kind: "cancelled"; orderId: string; reason: string; refund: boolean; total: number; currency: string }
  | { kind: "refunded"; orderId: string; amount: number; currency: string }
  | { kind: "lowStock"; sku: string; name: string; available: number; threshold: number };

/**
 * Security mail and the email about the customer's own orders that they need (confirmation,
 * receipt, shipment, cancellation, refund) always go. The welcome, the delivery
 * confirmation and every text message are courtesies: each channel's can be turned off.
 */
export const ESSENTIAL: Record<Template["kind"], boolean> = {
  welcome: false, verifyEmail: true, passwordReset: true, passwordChanged: true, orderConfirmed: true,
  paymentReceipt: true, paymentDeclined: true, closedUnpaid: true, shipped: true, delivered: false, cancelled: true, refunded: true, lowStock: true,
};

/** The channels each message goes out on, to a recipient with an address there. */
export const CHANNELS: Record<Template["kind"], Channel[]> = {
  welcome: ["email"], verifyEmail: ["email"], passwordReset: ["email"], passwordChanged: ["email"], orderConfirmed: ["email"],
  paymentReceipt: ["email"], paymentDeclined: ["email"], closedUnpaid: ["email"], shipped: ["email", "sms"], delivered: ["email", "sms"], cancelled: ["email"], refunded: ["email"], lowStock: ["email"],
};

/** Whether the recipient's choice decides if `kind` goes out on `channel` (the account page lists these). */
export const optional = (kind: Template["kind"], channel: Channel): boolean => !(ESSENTIAL[kind] && channel === "email");

const KINDS = Object.keys(ESSENTIAL) as Template["kind"][];
/** The kinds a customer may get on `channel` whose sending is their choice (`isOptional`) or always go: low stock is the admins'. */
export const customerKinds = (channel: Channel, isOptional: boolean): Exclude<Template["kind"], "lowStock">[] =>
  KINDS.filter((k): k is Exclude<Template["kind"], "lowStock"> => k !== "lowStock" && CHANNELS[k].includes(channel) && optional(k, channel) === isOptional);

/** How soon a message must be sent (the seed's SLAs): critical under a minute, high under five. */
export const PRIORITY: Record<Template["kind"], "critical" | "high"> = {
  welcome: "high", verifyEmail: "critical", passwordReset: "critical", passwordChanged: "critical", orderConfirmed: "critical",
  paymentReceipt: "critical", paymentDeclined: "critical", closedUnpaid: "critical", shipped: "high", delivered: "high", cancelled: "critical", refunded: "critical", lowStock: "high",
};

/** One message to send: unique by `key`. */
export type Outgoing = {
  key: string;
  eventId: string;
  /** the order, user or SKU the message is about */
  subject: string;
  userId: string;
  channel: Channel;
  to: string;
  template: Template;
};

/** The batch's shared rows: the recipients it may write to, and the messages decided so far. */
export type Mailbag = { contacts: Record<string, Contact>; admins: Contact[]; outgoing: Outgoing[] };

/** The id under which the admins are loaded (every admin gets the stock alerts). */
export const ADMINS = "*admins";

const USER_EVENTS = ["user.Registered.v1", "user.EmailVerificationRequested.v1", "user.PasswordResetRequested.v1", "user.PasswordChanged.v1"] as const;

/** The recipients' ids a message needs loaded. */
export function recipientsOf(s: OrderFacts | null, e: Envelope): string[] {
  if (e.type === "inventory.LowStock.v1") return [ADMINS];
  if ((USER_EVENTS as readonly string[]).includes(e.type)) return [e.key];
  if (e.type === "order.OrderCreated.v1") return [e.payload.customerId];
  return s ? [s.customerId] : [];
}

/** The messages `template` makes for `who` on its channels, leaving out what they muted. */
function messages(e: Envelope, who: Contact, template: Template, subject = e.key): Outgoing[] {
  return CHANNELS[template.kind].flatMap((channel): Outgoing[] => {
    if (optional(template.kind, channel) && who.muted.includes(channel)) return [];
    const to = channel === "email" ? who.email : who.phone;
    if (!to) return [];
    return [{ key: `${e.eventId}:${who.userId}:${channel}`, eventId: e.eventId, subject, userId: who.userId, channel, to, template }];
  });
}

function templateFor(s: OrderFacts, e: Envelope): Template | null {
  const orderId = e.key;
  switch (e.type) {
    case "payment.PaymentCaptured.v1":
      // the capture is when the money is taken; the authorization is only a hold, so one receipt
      return { kind: "paymentReceipt", orderId, amount: e.payload.amount, currency: s.currency, paymentId: e.payload.paymentId };
    case "shipping.OrderShipped.v1":
      return { kind: "shipped", orderId, carrier: e.payload.carrier, trackingNumber: e.payload.trackingNumber };
    case "order.StatusChanged.v1":
      return statusTemplate(s, e.payload, orderId);
    case "order.OrderCancelled.v1":
      return { kind: "cancelled", orderId, reason: e.payload.reason, refund: e.payload.refund, total: s.total, currency: s.currency };
    case "payment.PaymentRefunded.v1":
      return { kind: "refunded", orderId, amount: e.payload.amount, currency: s.currency };
    default:
      return null;
  }
}

type StatusChange = PayloadOf<"order.StatusChanged.v1">;

/**
 * The status changes a customer is told of: delivered, a declined card (with until when
 * another can pay), and an order closed because no card paid before its reservation ran out.
 */
const told = (c: Pick<StatusChange, "to" | "code">): boolean =>
  c.to === "DELIVERED" || c.to === "PAYMENT_FAILED" || (c.to === "INVENTORY_RELEASED" && c.code === "RESERVATION_EXPIRED");

function statusTemplate(s: OrderFacts, c: StatusChange, orderId: string): Template | null {
  if (!told(c)) return null;
  if (c.to === "DELIVERED") return { kind: "delivered", orderId };
  if (c.to === "INVENTORY_RELEASED") return { kind: "closedUnpaid", orderId, total: s.total, currency: s.currency };
  const until = typeof c.details.reservedUntil === "string" ? { reservedUntil: c.details.reservedUntil } : {};
  return { kind: "paymentDeclined", orderId, total: s.total, currency: s.currency, ...until };
}

function userTemplate(e: Envelope): Extract<Template, { firstName: string }> | null {
  switch (e.type) {
    case "user.Registered.v1": return { kind: "welcome", firstName: e.payload.firstName };
    case "user.EmailVerificationRequested.v1":
      return { kind: "verifyEmail", firstName: e.payload.firstName, token: e.payload.token, expiresAt: e.payload.expiresAt };
    case "user.PasswordResetRequested.v1":
      return { kind: "passwordReset", firstName: e.payload.firstName, token: e.payload.token, expiresAt: e.payload.expiresAt };
    case "user.PasswordChanged.v1": return { kind: "passwordChanged", firstName: e.payload.firstName };
    default: return null;
  }
}

const add = (bag: Mailbag, out: Outgoing[]): Mailbag => ({ ...bag, outgoing: [...bag.outgoing, ...out] });

export const notificationActor: Actor<OrderFacts, Envelope, Mailbag> = {
  kind: "notification",
  reads: [
    "order.OrderCreated.v1", "payment.PaymentCaptured.v1", "shipping.OrderShipped.v1", "order.StatusChanged.v1",
    "order.OrderCancelled.v1", "payment.PaymentRefunded.v1", "inventory.LowStock.v1", ...USER_EVENTS,
  ],
  // of the status changes, only delivery, a declined card and an unpaid order closed make a message (see statusTemplate)
  wants: (e) => e.type !== "order.StatusChanged.v1" || told(e.payload),
  decide(s, e, { res }) {
    if (e.type === "inventory.LowStock.v1") {
      const t: Template = { kind: "lowStock", ...e.payload };
      return ok(s, [], { res: add(res, res.admins.flatMap((a) => messages(e, a, t))) });
    }
    const user = userTemplate(e);
    if (user) {
      // the event carries the address the link was made for (a change of email verifies the new one)
      const known = res.contacts[e.key];
      const email = "email" in e.payload ? e.payload.email : known?.email;
      if (!email) return ignore(`no address for user ${e.key}`);
      const who: Contact = { userId: e.key, email, firstName: user.firstName, phone: known?.phone ?? null, muted: known?.muted ?? [] };
      return ok(s, [], { res: add(res, messages(e, who, user)) });
    }
    if (e.type === "order.OrderCreated.v1") {
      if (s) return ignore("order already known");
      const { customerId, items, total, currency } = e.payload;
      const facts: OrderFacts = { customerId, items, total, currency };
      const who = res.contacts[customerId];
      const t: Template = { kind: "orderConfirmed", orderId: e.key, items, total, currency };
      return ok(facts, [], { res: who ? add(res, messages(e, who, t)) : res });
    }
    if (!s) return ignore(`${e.type} for an order this actor has not seen created`);
    const t = templateFor(s, e);
    if (!t) return ignore(`${e.type} needs no message`);
    // a late authorization voided after an unpaid cancel: the hold goes, as the cancellation mail said; no refund mail
    if (t.kind === "refunded" && s.cancelledUnpaid) return ignore("a voided hold of an order cancelled unpaid");
    const next = t.kind === "shipped" ? { ...s, carrier: t.carrier, trackingNumber: t.trackingNumber }
      : t.kind === "cancelled" && !t.refund ? { ...s, cancelledUnpaid: true } : s;
    const who = res.contacts[s.customerId];
    return ok(next, [], { res: who ? add(res, messages(e, who, t)) : res });
  },
};
