/**
 * The admin actions the JSON API and the console share, each written to the audit log with
 * the admin, the object, the state before and after, and the reason given.
 */
import type { OrderView } from "../../actors/contracts/order-view.ts";
import { alertStateOf } from "../../actors/ops/alert-rules.ts";
import type { Alert, Alerts } from "../../actors/ops/alerts.ts";
import type { Admin, AuditLog } from "../../actors/ops/audit.ts";
import { stateOf } from "../../actors/ops/dead-letter-rules.ts";
import type { DeadLetter, DeadLetters } from "../../actors/ops/dead-letters.ts";
import type { OrderService } from "../../actors/orders/order-service.ts";
import type { User } from "../auth/auth.ts";
import { refusal } from "./http-errors.ts";

export type AdminActionDeps = { orders: OrderService; deadLetters: DeadLetters; alerts: Alerts; audit: AuditLog };

/** Run an order command as `admin`'s audited action, from the state the order is in now. */
export async function auditedOrderAction(
  deps: AdminActionDeps, admin: User, orderId: string, action: string, reason: string, run: () => Promise<OrderView>,
): Promise<OrderView> {
  const before = await deps.orders.get(admin, orderId);
  return deps.audit.record(admin, { action, objectType: "order", objectId: orderId, fromState: before.status, reason }, run, (after) => after.status);
}

export type LetterAction = "replay" | "discard";

/** Replay or discard one dead letter as `admin`'s audited action. */
export function auditedLetterAction(deps: AdminActionDeps, admin: Admin, id: number, action: LetterAction, reason: string): Promise<DeadLetter> {
  return deps.audit.record(admin, { action: `dead-letter.${action}`, objectType: "dead-letter", objectId: String(id), fromState: "waiting", reason },
    () => (action === "replay" ? deps.deadLetters.replay(id) : deps.deadLetters.discard(id)), stateOf);
}

export type BulkOutcome = { done: number[]; refused: { id: number; error: string }[] };

/**
 * Each of `ids` in turn, each audited on its own; a letter refused (it breaks its contract,
 * another admin settled it first) is reported and the rest go on.
 */
export async function auditedBulkLetters(deps: AdminActionDeps, admin: Admin, ids: number[], action: LetterAction, reason: string): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], refused: [] };
  for (const id of ids) {
    try {
      await auditedLetterAction(deps, admin, id, action, reason);
      outcome.done.push(id);
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      outcome.refused.push({ id, error: refused.message });
    }
  }
  return outcome;
}

/** Acknowledge an open alert as `admin`'s audited action (a reason is optional). */
export async function auditedAlertAck(deps: AdminActionDeps, admin: Admin, id: number, reason: string): Promise<Alert> {
  const before = await deps.alerts.get(id);
  return deps.audit.record(admin, { action: "alert.acknowledge", objectType: "alert", objectId: String(id), fromState: alertStateOf(before), reason },
    () => deps.alerts.acknowledge(id, admin, reason), alertStateOf);
}
