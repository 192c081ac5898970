import type { Emit, Envelope, EventType } from "../contracts/index.ts";

/**
 * A durable timer set by a decision; a timer with the same name on the same key is replaced.
 * `T` is the actor kind's own union of timer names.
 */
export type TimerSet<T extends string = string> = { name: T; at: Date; token: string };

/** What every provider call has: the key that makes it idempotent. */
export type CallBase = { idempotencyKey: string };

/** What the runner hands to decide besides state and message. */
export type Ctx<R, Res> = { now: Date; result?: Res; res: R };

/**
 * The result of deciding one message. `T`: the kind's timer names; `J`: what a rejection
 * names (for the order, its current status).
 */
export type Outcome<S, R, T extends string = never, J = never> =
  | {
      kind: "ok";
      /** null: the actor still keeps nothing for this key */
      state: S | null;
      emit: Emit[];
      timers?: TimerSet<T>[];
      cancelTimers?: T[];
      /** shared resources after this message (e.g. stock levels), when the actor has any */
      res?: R;
    }
  | { kind: "ignore"; reason: string }
  | { kind: "reject"; status: J; reason: string };

/**
 * An actor kind: pure functions only. The runner loads state, asks `plan` whether a
 * provider call is needed, performs it, then `decide`s and commits in one transaction.
 * The runtime stays generic: `T` (timer names), `C` (provider calls, a discriminated union
 * the composition root routes) and `J` (what a rejection names) are the domain's.
 */
export interface Actor<S, M = Envelope, R = undefined, Res = unknown, T extends string = never, C extends CallBase = never, J = never> {
  kind: string;
  /** the event types decide acts on; the runner never hands it others (its topics follow from these) */
  reads: readonly EventType[];
  /**
   * Of the messages of types it reads, those decide acts on, told from the message alone
   * (never from state, so a redelivery is told the same): the others never reach decide
   * and cost no processed mark. Absent: every message of those types.
   */
  wants?(msg: Envelope): boolean;
  plan?(state: S | null, msg: M): C | null;
  decide(state: S | null, msg: M, ctx: Ctx<R, Res>): Outcome<S, R, T, J>;
}

/** Accept the message: the new state, what to emit, and timers or resources if any. */
export const ok = <S, R = never, T extends string = never>(
  state: S | null,
  emit: Emit[] = [],
  extra: { timers?: TimerSet<T>[]; cancelTimers?: T[]; res?: R } = {},
): Outcome<S, R, T> => ({ kind: "ok", state, emit, ...extra });
/** Nothing to do for this message (a stale answer, a duplicate). */
export const ignore = (reason: string): Outcome<never, never> => ({ kind: "ignore", reason });
/** Refuse a command; `status` is what the caller's 409 names. */
export const reject = <J>(status: J, reason: string): Outcome<never, never, never, J> => ({
  kind: "reject",
  status,
  reason,
});

/** Exhaustiveness check for switches over discriminated unions. */
export function unreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
