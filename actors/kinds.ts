/**
 * The actor kinds of the shop, each bound to where its state lives, how a log message
 * becomes its input, the shared rows it changes, the saga steps it answers and what
 * happens after its commits. The runtime (actors/runtime/) runs any kind; this file is the
 * one place that says which kinds there are. A new kind: write its pure `decide` in
 * actors/<kind>.ts, bind it here, and its messages' types in actors/contracts/.
 */
import { OrderTimer, type Emit, type Envelope } from "./contracts/index.ts";
import { inventoryActor, skusOf, type InventoryState, type Stock } from "./inventory.ts";
import { orderActor, type OrderInput } from "./order.ts";
import type { OrderConfig, OrderRejection, OrderState } from "./order-state.ts";
import { paymentActor, type PaymentState } from "./payment.ts";
import { projectorActor, type OrderView } from "./projector.ts";
import type { PaymentCall, PaymentResult, ShippingResult } from "./providers/ports.ts";
import { shippingActor, type ShippingCalls, type ShippingState } from "./shipping.ts";
import type { Binding } from "./runtime/runner.ts";
import { actorStateStore } from "./runtime/stores.ts";
import type { DueTimer } from "./runtime/timers.ts";
import type { OrderAlerts } from "./ops/alert-rules.ts";
import { notificationResources, orderAlertResources, orderStore, stockResources, viewStore } from "./stores.ts";
import { notificationActor, recipientsOf, type Mailbag, type OrderFacts } from "./notification.ts";

/** What the kinds tell the rest of the shop after they commit. */
export type KindHooks = {
  /** an order's read model changed (live order pages, admin lists) */
  viewChanged(orderId: string, view: OrderView): void;
  /** the stock levels of these SKUs changed (catalog cache, live stock badges) */
  stockChanged(skus: string[]): void;
  /** messages were parked as dead letters (the admin's live list) */
  deadLettered(count: number): void;
  /** alerts on these orders opened or resolved (the admins' live alerts) */
  orderAlertsChanged(orderIds: string[]): void;
  /** the notifier queued messages about these orders, accounts or SKUs (wakes the delivery worker; live mail pages) */
  messagesQueued(about: string[]): void;
};

/** The saga step a request starts, for the participants that answer it (step durations). */
export function stepOf(request: Envelope): string | null {
  switch (request.type) {
    case "order.OrderCreated.v1": return "inventory";
    case "order.PaymentRequested.v1": return "payment";
    case "order.PaymentCaptureRequested.v1": return "capture";
    case "order.ShipmentRequested.v1": return "shipping";
    case "order.RefundRequested.v1": return "refund";
    case "ops.RetryRequested.v1": return request.payload.step;
    default: return null;
  }
}

/** A due timer becomes a message in its order's own stream (only the order actor sets timers); null for a name no timer has. */
export function firedTimer(t: DueTimer): Emit | null {
  const timer = OrderTimer.safeParse(t.name);
  return timer.success ? { type: "order.TimerFired.v1", payload: { orderId: t.key, timer: timer.data, token: t.token } } : null;
}

const asEvent = (env: Envelope) => env;

/** The order actor: the saga's orchestrator, which also takes the edge's commands. */
export const orderKind = (cfg: OrderConfig): Binding<OrderState, OrderInput, undefined, unknown, OrderTimer, never, OrderRejection> => ({
  actor: orderActor(cfg), store: orderStore, input: (env) => ({ kind: "event", env }),
});

/** The participants, which answer the order's requests, and the projector of its read model. */
export function participantKinds(hooks: KindHooks) {
  const inventory: Binding<InventoryState, Envelope, Stock, unknown> = {
    actor: inventoryActor, store: actorStateStore("inventory"), input: asEvent, stepOf,
    resources: { ...stockResources, ids: skusOf }, afterResources: (skus) => hooks.stockChanged(skus),
  };
  const payment: Binding<PaymentState, Envelope, undefined, PaymentResult, never, PaymentCall> = { actor: paymentActor, store: actorStateStore("payment"), input: asEvent, stepOf };
  const shipping: Binding<ShippingState, Envelope, undefined, ShippingResult, never, ShippingCalls> = { actor: shippingActor, store: actorStateStore("shipping"), input: asEvent, stepOf };
  const projector: Binding<OrderView, Envelope, OrderAlerts, unknown> = {
    actor: projectorActor, store: viewStore, input: asEvent,
    resources: orderAlertResources, afterResources: (orderIds) => hooks.orderAlertsChanged(orderIds),
    afterCommit: (changed) => changed.forEach(([id, view]) => hooks.viewChanged(id, view)),
  };
  return { inventory, payment, shipping, projector, notification: notificationKind(hooks) };
}

/** The notifier: its messages are rows beside its state; the delivery worker is woken after commit. */
export function notificationKind(hooks: Pick<KindHooks, "messagesQueued">): Binding<OrderFacts, Envelope, Mailbag, unknown> {
  return {
    actor: notificationActor, store: actorStateStore("notification"), input: asEvent,
    resources: { ...notificationResources, ids: recipientsOf }, afterResources: (about) => hooks.messagesQueued(about),
  };
}

/** The shop's tables the kinds' stores look up by key and rewrite (kept analyzed). */
export const KIND_TABLES = [orderStore, viewStore, stockResources, orderAlertResources, notificationResources].flatMap((s) => s.tables);
