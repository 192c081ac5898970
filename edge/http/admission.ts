/**
 * A bound on how long a command may wait. At most `maxInFlight` commands (unsafe requests)
 * are served at once; one more waits at most `queueMs` for its turn, and every command is
 * answered within `deadlineMs` of its arrival, the wait for a turn included. Past either bound
 * the client gets 503 with Retry-After and a body naming the reason - seconds before its own
 * timeout - instead of a request left hanging on a slow or blocked database.
 *
 * A command answered at its deadline is not cancelled: it goes on and keeps its turn until it
 * ends (the database is still doing its work), so it may yet take effect. That is safe to
 * tell a client: every command is one transaction (an order is written whole or not at all),
 * and placing an order is idempotent by key - repeated with the same Idempotency-Key it
 * answers the same order, never a second one.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AuthEnv } from "../auth/auth.ts";
import { sendErrorPage } from "../pages/error-pages.tsx";
import { wantsHtml } from "./http-errors.ts";

export type CommandLimits = { maxInFlight: number; queueMs: number; deadlineMs: number };
/** Why a command was turned away: no turn in time, no answer in time, or a new order while the saga is behind. */
export type Shed = "queue" | "deadline" | "backlog";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const RETRY_AFTER_S = "2";
const LATE = Symbol("late");

/** The middleware; `onShed` is told each command it turns away (metrics). */
export function admission(limits: CommandLimits, onShed: (why: Shed) => void = () => {}): MiddlewareHandler<AuthEnv> {
  const turns = new Turns(limits.maxInFlight);
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    const arrived = performance.now();
    if (!(await turns.take(Math.min(limits.queueMs, limits.deadlineMs)))) {
      onShed("queue");
      return busy(c, `the shop is busy: ${limits.maxInFlight} commands are being served and none ended within ${limits.queueMs} ms; nothing was changed, try again shortly`);
    }
    const work = next().finally(() => turns.give());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const left = Math.max(0, limits.deadlineMs - (performance.now() - arrived));
    const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, left, LATE)));
    const ended = await Promise.race([work, late]).finally(() => clearTimeout(timer));
    if (ended !== LATE) return;
    onShed("deadline");
    return busy(c, `the shop could not serve this command within ${limits.deadlineMs} ms of its arrival; it may still take effect: repeat it (an order with the same Idempotency-Key) to learn its outcome`);
  };
}

/** 503 with Retry-After: a page for a browser, JSON for the API. */
function busy(c: Context<AuthEnv>, reason: string, retryAfterS = RETRY_AFTER_S): Response | Promise<Response> {
  c.header("Retry-After", retryAfterS);
  if (wantsHtml(c.req.path, c.req.header("accept"))) return sendErrorPage(c, 503, "The shop is busy", reason);
  return c.json({ error: reason }, 503);
}

/** At most `max` turns at once; a caller waits for one in arrival order, for a while. */
export class Turns {
  private taken = 0;
  private waiting: (() => void)[] = [];
  constructor(private max: number) {}

  /** True once a turn is this caller's; false when none came within `ms`. */
  take(ms: number): Promise<boolean> {
    if (this.taken < this.max) {
      this.taken++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        resolve(false);
      }, ms);
      this.waiting.push(wake);
    });
  }

  /** End a turn: the next waiter takes it over. */
  give() {
    const next = this.waiting.shift();
    if (next) next(); // the turn passes on: `taken` stays
    else this.taken--;
  }

  get inUse() {
    return this.taken;
  }
}

/** What the saga has in hand, as an edge measures it (edge/http/order-backlog.ts). */
export type Backlog = {
  /** orders this edge accepted that are still reserving stock or paying */
  inWork: number;
  /** how long the orders in work have waited, past the oldest 5% of them, ms */
  lateMs: number;
  /** orders of this edge leaving that work per second, lately */
  doneRate: number;
};
/**
 * New orders are shed, more of them the later the work: from `targetMs / 2` some, from
 * `targetMs` all; lateness counts from `minInWork` orders in work.
 */
export type OrderLimits = { targetMs: number; minInWork: number };

/** The share of new orders to take at `lateMs`: all up to half the target, none from the target on, a straight line between. */
export function admitShare(lateMs: number, l: OrderLimits): number {
  const soft = l.targetMs / 2;
  if (lateMs <= soft) return 1;
  if (lateMs >= l.targetMs) return 0;
  return (l.targetMs - lateMs) / (l.targetMs - soft);
}

/**
 * Whether to take a new order, with `placing` orders being placed right now. While the work
 * is on time, yes. Once it is late, no more orders in work than leave it within the target
 * (the pace times the target, or `minInWork`): the orders that wait behind a late backlog
 * are what a queue makes late, and a crowd of retries let in at once would be one. Within
 * that room, a few late orders (under `minInWork`: a card that never answers) are the step
 * timeout's business and shed nothing; more take `admitShare`, evenly.
 */
export function admitOrder(b: Backlog, placing: number, l: OrderLimits, share: Share): boolean {
  if (b.lateMs <= l.targetMs / 2) return true;
  const room = Math.max(l.minInWork, (b.doneRate * l.targetMs) / 1000);
  if (b.inWork + placing >= room) return false;
  if (b.inWork < l.minInWork) return true;
  return share.take(admitShare(b.lateMs, l));
}

/** Takes a share of what comes, evenly and without chance: at 0.25, every fourth. */
export class Share {
  private credit = 0;
  take(share: number): boolean {
    this.credit = Math.min(1, this.credit + share);
    if (this.credit < 1 - 1e-9) return false;
    this.credit -= 1;
    return true;
  }
}

type Watched = { current(): Promise<Backlog>; accepted(orderId: string, at: number): void };
const BACKLOG_RETRY_AFTER_S = "1";

/**
 * Early shedding for the routes that place orders: before anything is read or written, a new
 * order is turned away (503, Retry-After: 1, nothing changed) when `admitOrder` says so, so
 * the orders taken still finish within the target instead of every order waiting longer.
 * An order accepted (202 with its id, or the checkout's redirect to its page) is watched
 * from its request's arrival (performance.now(), the watcher's clock).
 */
export function orderAdmission(limits: OrderLimits, backlog: Watched, onShed: (why: Shed) => void = () => {}): MiddlewareHandler<AuthEnv> {
  const share = new Share();
  let placing = 0;
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    const b = await backlog.current();
    if (!admitOrder(b, placing, limits, share)) {
      onShed("backlog");
      return busy(c, `the shop is busy: ${b.inWork} orders in work have waited ${Math.round(b.lateMs)} ms; nothing was changed, place the order again with the same Idempotency-Key in ${BACKLOG_RETRY_AFTER_S} s`, BACKLOG_RETRY_AFTER_S);
    }
    // The order's wait counts from its request's arrival: a slow commit is part of it.
    const arrived = performance.now();
    placing++;
    try {
      await next();
      const id = await placedOrderId(c.res);
      if (id) backlog.accepted(id, arrived);
    } finally {
      placing--;
    }
  };
}

/** The order a placing request answered with: the API's 202 body, or the checkout's redirect. */
async function placedOrderId(res: Response): Promise<string | null> {
  if (res.status === 303) {
    const id = /^\/orders\/([^/?#]+)$/.exec(res.headers.get("location") ?? "")?.[1];
    return id ? decodeURIComponent(id) : null;
  }
  if (res.status !== 202) return null;
  const body: unknown = await res.clone().json().catch(() => null);
  return body && typeof body === "object" && "orderId" in body && typeof body.orderId === "string" ? body.orderId : null;
}
