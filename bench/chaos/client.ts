/**
 * A customer's client as the README asks it to behave: a 503 (honouring Retry-After), a
 * connection error or no answer in time is tried again with the same Idempotency-Key, on
 * the other edge after a connection error; anything else is an answer. A customer gives up
 * on an order after `giveUpMs`. It places the order, POSTs it again when the plan says so,
 * and cancels it at the planned moment.
 */
import type { OrderPlan } from "./customers.ts";

export type ClientOptions = {
  bases: string[];
  tokenOf(customer: string): string;
  giveUpMs: number;
  /** one request's bound: a request the edge leaves hanging counts as a connection error */
  requestTimeoutMs: number;
  address: { name: string; line1: string; city: string; country: string };
};

/** What happened to one planned order, from the customer's side. */
export type OrderOutcome = {
  plan: OrderPlan;
  /** order ids in every 202 for its key (the first POST and any duplicate) */
  answered: string[];
  /** epoch ms the first POST went out, and when the order was accepted */
  sentAt: number;
  acceptedAt: number | null;
  gaveUp: boolean;
  /** an answer no retry fixes: status and body */
  refused: string | null;
  cancel: "none" | "accepted" | "conflict" | "gave up" | "refused";
};

/** What the clients saw, for the report: retries by cause, and answers that were not 202/409. */
export type ClientStats = {
  tries: number; retries: Map<string, number>; unexpected: Map<string, number>;
  /** requests an edge left without an answer past the client's timeout: path and key */
  hung: string[];
};
export const clientStats = (): ClientStats => ({ tries: 0, retries: new Map(), unexpected: new Map(), hung: [] });

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export type Answer = { status: number; body: string };

/** POSTs `path` until an answer that is not a 503, or `deadline`; null when the customer gave up. */
export async function send(o: ClientOptions, stats: ClientStats, edge: number, path: string, customer: string, key: string, body: unknown, deadline: number): Promise<Answer | null> {
  for (let attempt = 0; ; attempt++) {
    stats.tries++;
    let wait = Math.min(2_000, 100 * 2 ** attempt);
    try {
      const res = await fetch(`${o.bases[edge % o.bases.length]}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${o.tokenOf(customer)}`, "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(o.requestTimeoutMs),
      });
      const text = await res.text();
      if (res.status !== 503) return { status: res.status, body: text };
      bump(stats.retries, "503");
      wait = Math.max(wait, Math.min(5_000, 1000 * Number(res.headers.get("retry-after") ?? 0)));
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      bump(stats.retries, timedOut ? `no answer within ${o.requestTimeoutMs} ms` : "connection error");
      if (timedOut) stats.hung.push(`POST ${path} (key ${key}) on ${o.bases[edge % o.bases.length]}`);
      edge++; // this edge may be down: try the other one
    }
    if (Date.now() + wait > deadline) return null;
    // Half the pause plus a random share of the other half, so clients that failed together spread out.
    await Bun.sleep(wait / 2 + Math.random() * (wait / 2));
  }
}

/** Places `plan`'s order (and its duplicate and cancel), resolving once the customer is done with it. */
export async function placeOrder(o: ClientOptions, stats: ClientStats, plan: OrderPlan): Promise<OrderOutcome> {
  const out: OrderOutcome = { plan, answered: [], sentAt: Date.now(), acceptedAt: null, gaveUp: false, refused: null, cancel: "none" };
  const deadline = out.sentAt + o.giveUpMs;
  const body = { items: plan.items, shippingAddress: { ...o.address, postalCode: plan.postalCode }, paymentToken: plan.card };
  const post = async (edge: number) => {
    const a = await send(o, stats, edge, "/api/orders", plan.customer, plan.key, body, deadline);
    if (a === null) return void (out.gaveUp ||= out.answered.length === 0);
    const id = a.status === 202 ? orderIdIn(a.body) : null;
    if (id) return void out.answered.push(id);
    bump(stats.unexpected, `POST /api/orders ${a.status}`);
    out.refused ??= `${a.status} ${a.body.slice(0, 160)}`;
  };
  await Promise.all(plan.duplicate === "together" ? [post(plan.edge), post(plan.edge + 1)] : [post(plan.edge)]);
  if (out.answered.length === 0) return out;
  out.acceptedAt = Date.now();
  if (plan.duplicate === "after") await post(plan.edge + 1);
  if (plan.cancelAfterMs !== null) {
    await Bun.sleep(plan.cancelAfterMs);
    const id = out.answered[0]!;
    const a = await send(o, stats, plan.edge, `/api/orders/${id}/cancel`, plan.customer, `${plan.key}-cancel`, {}, Date.now() + o.giveUpMs);
    out.cancel = a === null ? "gave up" : a.status === 202 ? "accepted" : a.status === 409 ? "conflict" : "refused";
    if (a && a.status !== 202 && a.status !== 409) bump(stats.unexpected, `POST cancel ${a.status}`);
  }
  return out;
}

/** The order id of a 202's body, or null (then the answer counts as refused). */
function orderIdIn(body: string): string | null {
  try {
    const id = (JSON.parse(body) as { orderId?: unknown }).orderId;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}
