import type { Emit, Envelope, EventType } from "../contracts/index.ts";

/** A durable timer set by a decision; a timer with the same name on the same key is replaced. */
export type TimerSet = { name: string; at: Date; token: string };

/** What the runner hands to decide besides state and message. */
export type Ctx<R, Res> = { now: Date; result?: Res; res: R };

/** The result of deciding one message. */
export type Outcome<S, R> =
  | {
      kind: "ok";
      /** null: the actor still keeps nothing for this key */
      state: S | null;
      emit: Emit[];
      timers?: TimerSet[];
      cancelTimers?: string[];
      /** shared resources after this message (e.g. stock levels), when the actor has any */
      res?: R;
    }
  | { kind: "ignore"; reason: string }
  | { kind: "reject"; status: string; reason: string };

/** A call to the outside world that decide needs answered first; key makes it idempotent. */
export type Call = { provider: string; op: string; idempotencyKey: string; input: unknown };

/**
 * An actor kind: pure functions only. The runner loads state, asks `plan` whether a
 * provider call is needed, performs it, then `decide`s and commits in one transaction.
 */
export interface Actor<S, M = Envelope, R = undefined, Res = unknown> {
  kind: string;
  /** the event types decide acts on; the runner never hands it others (its topics follow from these) */
  reads: readonly EventType[];
  plan?(state: S | null, msg: M): Call | null;
  decide(state: S | null, msg: M, ctx: Ctx<R, Res>): Outcome<S, R>;
}

export const ok = <S, R = never>(
  state: S | null,
  emit: Emit[] = [],
  extra: { timers?: TimerSet[]; cancelTimers?: string[]; res?: R } = {},
): Outcome<S, R> => ({ kind: "ok", state, emit, ...extra });
export const ignore = (reason: string): Outcome<never, never> => ({ kind: "ignore", reason });
export const reject = (status: string, reason: string): Outcome<never, never> => ({
  kind: "reject",
  status,
  reason,
});

/** Exhaustiveness check for switches over discriminated unions. */
export function unreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
