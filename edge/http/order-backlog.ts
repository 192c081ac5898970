/**
 * How far behind the saga is, as an edge can tell cheaply: of the orders this edge accepted,
 * how many are still being worked on (reserving stock or paying) and how long they have
 * waited. One short query (primary-key lookups of the oldest orders it accepted) refreshes
 * it at most every `everyMs`, shared by every request; none runs per request.
 *
 * Why the edge's own orders and not a count over the whole shop: an order stuck in the log
 * (a consumer behind) has no read model yet, so only its writer knows it is waiting; each
 * edge takes a share of the same load, so its orders see the same delays as everyone's.
 * Their age takes in every hop - the relay (an outbox it does not empty), the log, the
 * consumers - so the outbox's own age is left to the command gate: it also counts the
 * time of the transaction that wrote a row, so one slow commit would read as lag.
 */
import type { Sql } from "../../db/sql.ts";
import type { OrderStatus } from "../../actors/contracts/payloads.ts";
import type { Backlog } from "./admission.ts";

/**
 * Statuses in which an order waits for the saga's work, not for a customer or a timer: up to
 * its payment; with no handling time (nothing to wait for once paid), until it has shipped.
 */
export const workStatuses = (handlingMs: number): OrderStatus[] =>
  handlingMs > 0 ? ["CREATED", "INVENTORY_RESERVED"] : ["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "PROCESSING"];
/** Orders looked up per refresh, oldest first: enough to see the oldest 5% of thousands. */
const CHECKED = 200;
/** The rank that counts: the age the oldest 5% are past, so one slow card moves nothing. */
const LATE_SHARE = 0.05;
/** How quickly the rate of orders leaving work follows a change (the time constant of its average). */
const RATE_MS = 1_000;

const PROBE = `SELECT id FROM ordering.orders WHERE id = ANY($1::text[]) AND status = ANY($2::text[])`;

/**
 * `minInWork`: the oldest orders that never set the age however few are in work: orders that
 * wait on a slow card are the step timeout's business, not a queue.
 */
export type BacklogOptions = { everyMs: number; horizonMs: number; inWork: OrderStatus[]; minInWork?: number };

/** The orders an edge accepted, watched until their work is done (or `horizonMs` has passed). */
export function orderBacklog(db: Sql, opts: BacklogOptions, now: () => number = () => performance.now()) {
  const accepted = new Map<string, number>(); // in acceptance order: the first is (about) the oldest
  type Measure = { lateMs: number; doneRate: number };
  let last: { at: number; measure: Measure } | null = null;
  let pending: Promise<Measure> | null = null;

  async function probe(): Promise<Measure> {
    const t = now();
    for (const [id, at] of accepted) {
      if (t - at <= opts.horizonMs) break;
      accepted.delete(id); // past the horizon: the stall alert's business, not a load signal
    }
    const ids = [...take(accepted.keys(), CHECKED)];
    const working = new Set(ids.length ? (await db.query<{ id: string }>(PROBE, [ids, opts.inWork])).map((r) => r.id) : []);
    let done = 0;
    for (const id of ids) if (!working.has(id) && accepted.delete(id)) done++;
    const since = last ? Math.max(1, t - last.at) : RATE_MS;
    const before = last?.measure.doneRate ?? 0;
    const doneRate = before + ((1000 * done) / since - before) * (1 - Math.exp(-since / RATE_MS));
    return { lateMs: lateAge(accepted, t, opts.minInWork ?? 0), doneRate };
  }

  function refresh(): Promise<Measure> {
    pending ??= probe()
      .catch((): Measure => ({ lateMs: 0, doneRate: last?.measure.doneRate ?? 0 })) // the command gate answers for a database out of reach
      .then((measure) => {
        last = { at: now(), measure };
        pending = null;
        return measure;
      });
    return pending;
  }

  return {
    /** An order this edge accepted, placed by a request that arrived `at` (a repeated one keeps its first time). */
    accepted(orderId: string, at = now()) {
      if (!accepted.has(orderId)) accepted.set(orderId, at);
    },
    /**
     * The orders in work now, and their lateness and pace as last measured, refreshed in the
     * background once `everyMs` old; a measure more than twice that old (no order came for a
     * while) is taken again first, so a shop that has caught up admits again at once.
     */
    async current(): Promise<Backlog> {
      const age = last ? now() - last.at : Infinity;
      const measure = age > 2 * opts.everyMs ? await refresh() : last!.measure;
      if (age > opts.everyMs && age <= 2 * opts.everyMs) void refresh();
      return { inWork: accepted.size, ...measure };
    },
  };
}

/** How old the orders in work are, past the oldest few: the age at rank 5% from the oldest, or past the first `few`. */
function lateAge(accepted: Map<string, number>, t: number, few: number): number {
  const rank = Math.max(few, Math.floor(accepted.size * LATE_SHARE));
  let i = 0;
  for (const at of accepted.values()) if (i++ === rank) return t - at;
  return 0;
}

function* take<T>(xs: Iterable<T>, n: number): Iterable<T> {
  if (n <= 0) return;
  for (const x of xs) {
    yield x;
    if (--n === 0) return;
  }
}
