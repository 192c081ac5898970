/**
 * What to make of a call whose answer never came. A timeout says nothing about what the
 * provider did: it may have booked the parcel or held the money and lost only its answer.
 * So before a step fails for a timeout, and before an admin retry starts a new attempt, the
 * caller asks the provider what it answered under the earlier key (`lookup`), and these pure
 * rules decide on what it found:
 *
 *   found an approval  ─▶ adopt it: the step succeeds with the provider's reference
 *   found a refusal    ─▶ that was the answer (a timed-out call) / a new attempt may go (a retry)
 *   found nothing      ─▶ the step fails as timed out / a new attempt may go
 *   could not ask      ─▶ unknown: the step stays pending and the message comes again later
 */
import { Unavailable } from "../runtime/bus.ts";

/** What a lookup by idempotency key found: the kept answer, nothing (null), or no word at all. */
export type Looked<A> = A | null | typeof UNREACHABLE;
/** The provider could not be asked (still down, or no answer in time). */
export const UNREACHABLE = "unreachable";

/** Neither the call nor the lookup says what the provider did: nothing may be decided yet. */
export class OutcomeUnknown extends Unavailable {
  override name = "OutcomeUnknown";
}

type Answered = { ok: boolean };

/** After every try of a call went unanswered: its answer as the provider kept it, else `timedOut`. */
export function afterTimeout<A extends Answered>(looked: Looked<A>, timedOut: A): A | typeof UNREACHABLE {
  if (looked === UNREACHABLE) return UNREACHABLE;
  return looked ?? timedOut;
}

/**
 * Before a retry's new attempt, with what each earlier attempt's key found: the first
 * approval is adopted (the work is done: doing it again would book or charge twice);
 * "go" when none did the work; unreachable when one cannot be asked and none was approved.
 */
export function beforeRetry<A extends Answered>(looked: Looked<A>[]): { adopt: A } | "go" | typeof UNREACHABLE {
  const approved = looked.find((l): l is A => l !== null && l !== UNREACHABLE && l.ok);
  if (approved) return { adopt: approved };
  return looked.includes(UNREACHABLE) ? UNREACHABLE : "go";
}
