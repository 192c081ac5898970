/**
 * The notification actor: reads the order, payment, shipping, account and stock events and
 * decides which messages go to whom on which channel. It sends nothing itself: each message
 * is a row written in the same transaction as its state (actors/stores.ts,
 * `notificationResources`), unique per (event, recipient, channel), so a redelivered or
 * replayed event adds none; the delivery worker sends the rows after commit.
 */
import type { Envelope, OrderItem, OrderStatus } from "./contracts/index.ts";
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
};

/** The templates (views/notify/messages.tsx renders each as HTML and text). */
export type Template =
  | { kind: "welcome"; firstName: string }
  | { kind: "verifyEmail"; firstName: string; token: string; expiresAt: string }
  | { kind: "passwordReset"; firstName: string; token: string; expiresAt: string }
  | { kind: "passwordChanged"; firstName: string }
  | { kind: "orderConfirmed"; orderId: string; items: OrderItem[]; total: number; currency: string }
  | { kind: "paymentReceipt"; orderId: string; amount: number; currency: string; paymentId: string }
  | { kind: "shipped"; orderId: string; carrier: string; trackingNumber: string }
  | { kind: "delivered"; orderId: string }
  | { kind: "cancelled"; orderId: string; reason: string; refund: boolean; total: number; currency: string }
  | { kind: "refunded"; orderId: string; amount: number; currency: string }
  | { kind: "lowStock"; sku: string; name: string; available: number; threshold: number };

/** Security and transactional email always goes; other email, and every SMS, obeys the recipient's choice. */
export const ESSENTIAL: Record<Template["kind"], boolean> = {
  welcome: false, verifyEmail: true, passwordReset: true, passwordChanged: true, orderConfirmed: true,
  paymentReceipt: true, shipped: true, delivered: false, cancelled: true, refunded: true, lowStock: true,
};

/** How soon a message must be sent (the seed's SLAs): critical under a minute, high under five. */
export const PRIORITY: Record<Template["kind"], "critical" | "high"> = {
  welcome: "high", verifyEmail: "critical", passwordReset: "critical", passwordChanged: "critical", orderConfirmed: "critical",
  paymentReceipt: "critical", shipped: "high", delivered: "high", cancelled: "critical", refunded: "critical", lowStock: "high",
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

/** The messages `template` makes for `who` on `channels`, leaving out what they muted. */
function messages(e: Envelope, who: Contact, template: Template, channels: Channel[], subject = e.key): Outgoing[] {
  return channels.flatMap((channel): Outgoing[] => {
    if (!(ESSENTIAL[template.kind] && channel === "email") && who.muted.includes(channel)) return [];
    const to = channel === "email" ? who.email : who.phone;
    if (!to) return [];
    return [{ key: `${e.eventId}:${who.userId}:${channel}`, eventId: e.eventId, subject, userId: who.userId, channel, to, template }];
  });
}

function templateFor(s: OrderFacts, e: Envelope): [Template, Channel[]] | null {
  const orderId = e.key;
  switch (e.type) {
    case "payment.PaymentCaptured.v1":
      // the capture is when the money is taken; the authorization is only a hold, so one receipt
      return [{ kind: "paymentReceipt", orderId, amount: e.payload.amount, currency: s.currency, paymentId: e.payload.paymentId }, ["email"]];
    case "shipping.OrderShipped.v1":
      return [{ kind: "shipped", orderId, carrier: e.payload.carrier, trackingNumber: e.payload.trackingNumber }, ["email", "sms"]];
    case "order.StatusChanged.v1":
      return e.payload.to === ("DELIVERED" satisfies OrderStatus) ? [{ kind: "delivered", orderId }, ["email"]] : null;
    case "order.OrderCancelled.v1":
      return [{ kind: "cancelled", orderId, reason: e.payload.reason, refund: e.payload.refund, total: s.total, currency: s.currency }, ["email"]];
    case "payment.PaymentRefunded.v1":
      return [{ kind: "refunded", orderId, amount: e.payload.amount, currency: s.currency }, ["email"]];
    default:
      return null;
  }
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
  // of the status changes, only delivery makes a message (see templateFor)
  wants: (e) => e.type !== "order.StatusChanged.v1" || e.payload.to === ("DELIVERED" satisfies OrderStatus),
  decide(s, e, { res }) {
    if (e.type === "inventory.LowStock.v1") {
      const t: Template = { kind: "lowStock", ...e.payload };
      return ok(s, [], { res: add(res, res.admins.flatMap((a) => messages(e, a, t, ["email"]))) });
    }
    const user = userTemplate(e);
    if (user) {
      // the event carries the address the link was made for (a change of email verifies the new one)
      const known = res.contacts[e.key];
      const email = "email" in e.payload ? e.payload.email : known?.email;
      if (!email) return ignore(`no address for user ${e.key}`);
      const who: Contact = { userId: e.key, email, firstName: user.firstName, phone: known?.phone ?? null, muted: known?.muted ?? [] };
      return ok(s, [], { res: add(res, messages(e, who, user, ["email"])) });
    }
    if (e.type === "order.OrderCreated.v1") {
      if (s) return ignore("order already known");
      const { customerId, items, total, currency } = e.payload;
      const facts: OrderFacts = { customerId, items, total, currency };
      const who = res.contacts[customerId];
      const t: Template = { kind: "orderConfirmed", orderId: e.key, items, total, currency };
      return ok(facts, [], { res: who ? add(res, messages(e, who, t, ["email"])) : res });
    }
    if (!s) return ignore(`${e.type} for an order this actor has not seen created`);
    const found = templateFor(s, e);
    if (!found) return ignore(`${e.type} needs no message`);
    const [t, channels] = found;
    const next = t.kind === "shipped" ? { ...s, carrier: t.carrier, trackingNumber: t.trackingNumber } : s;
    const who = res.contacts[s.customerId];
    return ok(next, [], { res: who ? add(res, messages(e, who, t, channels)) : res });
  },
};
