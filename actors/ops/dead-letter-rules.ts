/** What a dead letter is, read from its row: pure, for the service and the views alike. */

export type DeadLetterState = "waiting" | "replayed" | "discarded";

/** A letter's state: replayed or discarded once an admin settled it, else waiting. */
export const stateOf = (l: { replayedAt: Date | null; discardedAt: Date | null }): DeadLetterState =>
  (l.replayedAt ? "replayed" : l.discardedAt ? "discarded" : "waiting");

/** The message's type, when the parked text is an envelope at all. */
export function typeOf(l: { message: string }): string | null {
  try {
    const parsed: unknown = JSON.parse(l.message);
    return typeof parsed === "object" && parsed !== null && typeof (parsed as { type?: unknown }).type === "string" ? (parsed as { type: string }).type : null;
  } catch {
    return null;
  }
}
