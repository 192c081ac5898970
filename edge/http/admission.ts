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
/** Why a command was turned away: no turn in time, or no answer in time. */
export type Shed = "queue" | "deadline";

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
function busy(c: Context<AuthEnv>, reason: string): Response | Promise<Response> {
  c.header("Retry-After", RETRY_AFTER_S);
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
