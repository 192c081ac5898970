/**
 * The projector builds the read model of an order (status and timeline) from the order
 * events; the runner publishes each new view to live subscribers after it commits. Beside
 * it, in the same transaction, it keeps the order's alerts for the admins: a stall, a
 * failure waiting for an admin (actors/ops/alert-rules.ts).
 */
import type { Envelope } from "./contracts/index.ts";
import { WarehouseDetails, type OrderView } from "./contracts/order-view.ts";
import { alertsAfterChange, alertsAfterStall, type OrderAlerts } from "./ops/alert-rules.ts";
import { ignore, ok, type Actor } from "./runtime/actor.ts";

export type { OrderView, ViewEntry } from "./contracts/order-view.ts";

/** The projector: its state is the view, its shared resources the unresolved alerts of the orders in hand. */
export const projectorActor: Actor<OrderView, Envelope, OrderAlerts> = {
  kind: "projector",
  reads: ["order.OrderCreated.v1", "order.StatusChanged.v1", "order.SagaStalled.v1"],
  decide(v, e, { res }) {
    // a runner bound without the alerts (a test of the view alone) hands over none
    const alerts = res ?? {};
    switch (e.type) {
      case "order.OrderCreated.v1": {
        if (v) return ignore("already projected");
        const p = e.payload;
        const at = e.timestamp;
        return ok({
          orderId: p.orderId, customerId: p.customerId, status: "CREATED", items: p.items,
          total: p.total, currency: p.currency, ...(p.fxRate ? { fxRate: p.fxRate } : {}), createdAt: at, updatedAt: at,
          timeline: [{ status: "CREATED", at, reason: "order placed", details: {} }],
        });
      }
      case "order.StatusChanged.v1": {
        if (!v) throw new Error(`status change for ${e.key} before its creation`);
        const { from, to, reason, code, details } = e.payload;
        // The log hands an order's changes over in order, each from the status the last one
        // left: one from elsewhere is a change seen before, delivered again after its
        // processed mark was purged - it must not append to the timeline twice.
        if (from !== v.status) return ignore(`a change from ${from}, but the view is ${v.status}: seen before`);
        // where the stock is held and what shipped from where, when the change says (parsed: details are free-form)
        const held = WarehouseDetails.safeParse(details);
        const { allocations, parcels } = held.success ? held.data : {};
        return ok({
          ...v, ...(allocations ? { allocations } : {}), ...(parcels ? { parcels } : {}), status: to, updatedAt: e.timestamp,
          timeline: [...v.timeline, { status: to, at: e.timestamp, reason, ...(code ? { code } : {}), details }],
        }, [], { res: alertsAfterChange(alerts, e.payload, e.timestamp) });
      }
      case "order.SagaStalled.v1": {
        // The order checked its own status when it recorded the stall; this view is behind it or level.
        if (!v || v.status !== e.payload.status) return ignore(`a stall in ${e.payload.status}, but the view is ${v?.status ?? "missing"}`);
        return ok(v, [], { res: alertsAfterStall(alerts, e.payload, e.timestamp) });
      }
      default:
        return ignore(`${e.type} does not change the view`);
    }
  },
};
