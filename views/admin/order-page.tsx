/**
 * One order as an admin sees it: who ordered what, where it goes, what the saga holds
 * (reservation, payment, shipment), the full history, and the saga tools its state allows.
 * The live regions (head, tools, facts, messages, history) are rendered the same for the page
 * and for the SSE stream, which sends them again wrapped in <hx-partial> when the order moves
 * or one of its messages changes.
 */
import type { AdminTool } from "../../actors/order-commands.ts";
import { parcelsOf, type OrderState, type TimelineEntry } from "../../actors/order-state.ts";
import { parcelKey } from "../../actors/providers/ports.ts";
import { contentsOf } from "../order/order-details.tsx";
import type { PendingTimer } from "../../actors/orders/order-service.ts";
import { formatMoney, formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { StatusBadge } from "../order/order-status.tsx";
import { OrderSummary } from "../order/order-summary.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import type { Message } from "../../actors/notify/mailbox.ts";
import { MESSAGES_REGION, OrderMessagesRegion } from "./order-messages.tsx";

export const HEAD_REGION = "admin-order-head";
export const TOOLS_REGION = "admin-order-tools";
export const SAGA_REGION = "admin-order-saga";
export const HISTORY_REGION = "admin-order-history";

export type Customer = { name: string; email: string } | null;

export type AdminOrder = {
  order: OrderState;
  tools: AdminTool[];
  customer: Customer;
  /** the total in USD cents at the order's recorded rate; null for an order placed in USD */
  baseTotal: number | null;
  /** the durable timers the order waits on, soonest first */
  timers: PendingTimer[];
  /** every message about the order, oldest first */
  messages: Message[];
};

/** What each of the order's timers does when it fires, in words. */
const TIMER_TEXT: Record<string, string> = {
  reservationExpiry: "the reservation expires (stock goes back unless paid)",
  handlingElapsed: "the handling time ends (the parcel is requested)",
  sagaStalled: "the order counts as stalled unless it has moved",
};

/** What each tool is called on its button, what it does, and whether it asks for a tick first. */
export const TOOL_TEXT: Record<AdminTool, { label: string; does: string; destructive: boolean }> = {
  retry: { label: "Retry the failed step", does: "Runs the step that failed again.", destructive: false },
  refundPayment: { label: "Refund the payment", does: "Gives the money back and closes the order as refunded.", destructive: true },
  releaseInventory: { label: "Release the inventory", does: "Puts the reserved stock back and closes the order.", destructive: true },
  cancel: { label: "Cancel the order", does: "Cancels it for the customer; a paid order is refunded.", destructive: true },
  hold: { label: "Hold", does: "Stops the order from shipping until the hold is lifted.", destructive: false },
  liftHold: { label: "Lift the hold", does: "Lets the order ship after its handling time.", destructive: false },
  markDelivered: { label: "Mark delivered", does: "Records that the parcel arrived.", destructive: false },
};

type Props = AdminOrder & { shell: Shell; streamUrl: string; notice?: string; refused?: string };

export function AdminOrderPage({ shell, streamUrl, notice, refused, ...data }: Props) {
  const { order } = data;
  return (
    <AdminLayout title={`Order ${order.orderId}`} shell={shell} section="/admin/orders">
      <p><a href="/admin/orders">← All orders</a></p>
      <article {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <OrderHead {...data} />
        {refused && <p class="refusal" role="alert">Refused: {refused}</p>}
        {notice && <p class="notice" role="status">{notice}</p>}
        <div class="admin-cards">
          <section class="card" aria-labelledby="customer-title">
            <h2 id="customer-title">Customer and delivery</h2>
            <Customer customer={data.customer} id={order.customerId} />
            <Address order={order} />
          </section>
          <ToolsRegion {...data} />
        </div>
        <section class="card" aria-labelledby="items-title">
          <h2 id="items-title">Items</h2>
          <OrderSummary items={order.items} total={order.total} currency={order.currency} />
          <BaseTotal {...data} />
        </section>
        <SagaRegion {...data} />
        <OrderMessagesRegion messages={data.messages} />
        <HistoryRegion {...data} />
      </article>
    </AdminLayout>
  );
}

/** The regions the stream sends when the order moves. */
export function AdminOrderUpdate(data: AdminOrder) {
  return (
    <>
      <hx-partial hx-target={`#${HEAD_REGION}`} hx-swap="outerMorph"><OrderHead {...data} /></hx-partial>
      <hx-partial hx-target={`#${TOOLS_REGION}`} hx-swap="outerMorph"><ToolsRegion {...data} /></hx-partial>
      <hx-partial hx-target={`#${SAGA_REGION}`} hx-swap="outerMorph"><SagaRegion {...data} /></hx-partial>
      <hx-partial hx-target={`#${MESSAGES_REGION}`} hx-swap="outerMorph"><OrderMessagesRegion messages={data.messages} /></hx-partial>
      <hx-partial hx-target={`#${HISTORY_REGION}`} hx-swap="outerMorph"><HistoryRegion {...data} /></hx-partial>
    </>
  );
}

function OrderHead({ order }: AdminOrder) {
  return (
    <header id={HEAD_REGION} class="card order-head">
      <h1>Order <span class="order-id">{order.orderId}</span></h1>
      <p class="status"><StatusBadge status={order.status} /> <span class="muted">since <Time iso={order.updatedAt} /></span></p>
      <p class="muted">Placed <Time iso={order.createdAt} /></p>
    </header>
  );
}

function Customer({ customer, id }: { customer: Customer; id: string }) {
  if (!customer) return <p>Customer <span class="order-id">{id}</span> <span class="muted">(no account on record)</span></p>;
  return <p><strong>{customer.name}</strong><br /><a href={`mailto:${customer.email}`}>{customer.email}</a><br /><span class="muted order-id">{id}</span></p>;
}

function Address({ order }: { order: OrderState }) {
  const a = order.shippingAddress;
  return (
    <address>
      {a.name}<br />{a.line1}<br />{a.postalCode} {a.city}<br />{a.country}
    </address>
  );
}

/** The order's total in the shop's base currency, at the rate it was placed with. */
function BaseTotal({ order, baseTotal }: AdminOrder) {
  if (baseTotal === null) return null;
  return <p class="muted">{formatMoney(baseTotal, "USD")} in USD at {order.fxRate} {order.currency} per dollar.</p>;
}

/** The saga tools this order's state allows; each asks for a reason, the destructive ones for a tick. */
function ToolsRegion({ order, tools }: AdminOrder) {
  return (
    <section id={TOOLS_REGION} class="card" aria-labelledby="tools-title">
      <h2 id="tools-title">Saga tools</h2>
      {tools.length === 0 ? <p class="muted">Nothing to do: in {order.status} no tool applies.</p> : (
        <div class="tools">
          {tools.map((tool) => <ToolForm orderId={order.orderId} tool={tool} />)}
        </div>
      )}
    </section>
  );
}

function ToolForm({ orderId, tool }: { orderId: string; tool: AdminTool }) {
  const text = TOOL_TEXT[tool];
  const id = `reason-${tool}`;
  return (
    <form method="post" action={`/admin/orders/${encodeURIComponent(orderId)}/tools/${tool}`} class="tool">
      <p class="muted">{text.does}</p>
      <label for={id} class="reason-field">
        Reason (for the audit log)
        <input id={id} name="reason" required maxLength={500} />
      </label>
      {text.destructive && (
        <label class="confirm"><input type="checkbox" name="confirm" value="yes" required /> Yes, {text.label.toLowerCase()}</label>
      )}
      <button type="submit" class={text.destructive ? "danger" : undefined}>{text.label}</button>
    </form>
  );
}

/** What the saga holds now: reservation, payment, shipment, tries per step. */
function SagaRegion({ order, timers }: AdminOrder) {
  const expiry = timers.find((t) => t.name === "reservationExpiry");
  return (
    <section id={SAGA_REGION} class="card" aria-labelledby="saga-title">
      <h2 id="saga-title">Saga</h2>
      <dl class="facts">
        <dt>Reservation</dt>
        <dd>
          {order.reserved ? <>stock held for this order{expiry && <>, until <Time iso={expiry.at} /></>}</> : "none held"}
          {order.reserved && order.allocations && (
            <ul class="plain">{(parcelsOf(order).parcels ?? []).map((p) => <li>in <strong>{p.warehouse}</strong>: {contentsOf(p.items)}</li>)}</ul>
          )}
        </dd>
        <dt>Payment</dt>
        <dd><PaymentFacts order={order} /></dd>
        <dt>Provider keys</dt>
        <dd>{providerKeys(order).map((k) => <code class="key">{k}</code>)}</dd>
        <dt>Shipment</dt>
        <dd>
          {order.parcels?.length ? (
            <ul class="plain">
              {order.parcels.map((p) => (
                <li>from <strong>{p.warehouse}</strong> ({contentsOf(p.items)}): {p.carrier}, tracking <span class="order-id">{p.trackingNumber}</span></li>
              ))}
            </ul>
          ) : order.trackingNumber ? <>{carrierOf(order) ?? "carrier"}, tracking <span class="order-id">{order.trackingNumber}</span></>
            : order.shipmentRequested ? "requested from the carrier" : "not requested"}
        </dd>
        <dt>Holds</dt><dd>{order.holds}</dd>
        <dt>Tries</dt>
        <dd>inventory {order.attempts.inventory}, payment {order.attempts.payment}, shipping {order.attempts.shipping}, refund {order.attempts.refund}</dd>
        <dt>Waiting for</dt>
        <dd>
          {timers.length === 0 ? "no timer" : (
            <ul class="plain">{timers.map((t) => <li><Time iso={t.at} />: {TIMER_TEXT[t.name] ?? t.name}</li>)}</ul>
          )}
        </dd>
      </dl>
    </section>
  );
}

/**
 * The payment's story from the aggregate and its history: the authorization (whose id the
 * order forgets once it is refunded), the capture, and every refund with its amount.
 */
function PaymentFacts({ order }: { order: OrderState }) {
  const paymentId = order.paymentId ?? lastDetail(order, "paymentId");
  const refunds = order.history.filter((h) => h.cause === "payment.PaymentRefunded.v1");
  if (!paymentId && refunds.length === 0) return <>no authorization</>;
  return (
    <>
      {paymentId && <span class="order-id">{paymentId}</span>} {order.captured ? "authorized and captured" : "authorized, not captured"}
      {refunds.map((r) => <>; refunded {typeof r.details.amount === "number" ? formatMoney(r.details.amount, order.currency) : ""} <Time iso={r.at} /></>)}
      {order.refundGoal && <>; refund under way (then {order.refundGoal})</>}
    </>
  );
}

/** The latest string a history entry recorded under `key` in its details. */
function lastDetail(order: OrderState, key: string): string | null {
  for (const h of [...order.history].reverse()) {
    const value = h.details[key];
    if (typeof value === "string") return value;
  }
  return null;
}

const carrierOf = (order: OrderState) => lastDetail(order, "carrier");

/** Every transition, to the millisecond, with the message that caused it (type and ids) and its details. */
function HistoryRegion({ order }: AdminOrder) {
  return (
    <section id={HISTORY_REGION} class="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <div class="table-scroll">
        <table class="admin-table">
          <thead><tr><th scope="col">At (UTC)</th><th scope="col">Status</th><th scope="col">Caused by</th><th scope="col">Reason</th><th scope="col">Message and details</th></tr></thead>
          <tbody>
            {[...order.history].reverse().map((h) => (
              <tr>
                <td><time dateTime={h.at}>{h.at.replace("T", " ").replace("Z", "")}</time></td>
                <td><StatusBadge status={h.status} /></td>
                <td><code>{h.cause}</code></td>
                <td class="reason">{h.reason}{h.code && <span class="muted detail">{h.code}</span>}</td>
                <td><EntryDetails entry={h} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The causing message's ids (event, correlation, causation) and the entry's details, shown on demand. */
function EntryDetails({ entry }: { entry: TimelineEntry }) {
  const { message, details } = entry;
  if (!message && Object.keys(details).length === 0) return null;
  return (
    <details>
      <summary>Show</summary>
      {message && (
        <dl class="ids">
          <dt>Event id</dt><dd><code>{message.eventId}</code></dd>
          <dt>Correlation</dt><dd><code>{message.correlationId}</code></dd>
          <dt>Caused by</dt><dd>{message.causationId ? <code>{message.causationId}</code> : <span class="muted">start of the saga</span>}</dd>
        </dl>
      )}
      {Object.keys(details).length > 0 && <pre class="code">{JSON.stringify(details, null, 2)}</pre>}
    </details>
  );
}

/**
 * The idempotency keys of the latest provider calls (actors/payment.ts, actors/shipping.ts):
 * each step's key names the order and its try, so a call tried again is the same call.
 */
function providerKeys(o: OrderState): string[] {
  const id = o.orderId;
  return [
    o.attempts.payment > 0 && `authorize:${id}:${o.attempts.payment}`,
    o.captured && `capture:${id}`,
    o.attempts.refund > 0 && `refund:${id}:${o.attempts.refund}`,
    ...shipKeys(o),
  ].filter((k): k is string => typeof k === "string");
}

/** The carrier's keys of the last shipping attempt: one per parcel when the order ships from several warehouses. */
function shipKeys(o: OrderState): string[] {
  if (o.attempts.shipping === 0) return [];
  const key = `ship:${o.orderId}:${o.attempts.shipping}`;
  const parcels = parcelsOf(o).parcels ?? [];
  return parcels.length > 1 ? parcels.map((p) => parcelKey(key, p.warehouse)) : [key];
}

const Time = ({ iso }: { iso: string }) => <time dateTime={iso}>{formatTime(iso)}</time>;
