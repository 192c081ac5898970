/**
 * The stall timer: armed on every move for the new status's limit, replaced by the next
 * move, cancelled where a status has no limit, and recorded as a stall only if the order
 * is still where the timer found it.
 */
import { describe, expect, test } from "bun:test";
import type { OrderStatus } from "./contracts/index.ts";
import { stallAfterMs, stallToken } from "./order-stall.ts";
import { CFG, NOW, ORDER, SITUATION_NAMES, SITUATIONS, decideOrder, drive, emitted, expectStill, msg, reach, run, stallTimer } from "./testing/test-kit.ts";
import type { Step } from "./testing/test-kit.ts";

const LIMITS: Partial<Record<OrderStatus, number>> = {
  CREATED: CFG.stallAfterMs,
  INVENTORY_RESERVED: CFG.stallAfterMs,
  PAYMENT_AUTHORIZED: CFG.handlingMs + CFG.stallAfterMs,
  REFUND_PENDING: CFG.refundStallAfterMs,
};

/** Decide the last step of a situation from the state before it: the move into the situation's status. */
function lastMove(name: (typeof SITUATION_NAMES)[number]) {
  const steps: Step[] = SITUATIONS[name].steps;
  const before = steps.length > 1 ? drive(steps.slice(0, -1)) : null;
  const out = decideOrder(before, steps.at(-1)!);
  if (out.kind !== "ok" || !out.state) throw new Error(`${name}: the last step was not accepted`);
  return { before, out, after: out.state };
}

describe("the stall timer", () => {
  test.each(SITUATION_NAMES)("the move into %s arms it for its status's limit, or cancels it where there is none", (name) => {
    const { before, out, after } = lastMove(name);
    if (before && before.history.length === after.history.length) {
      // "handed to carrier": a timer that moves nothing leaves the stall timer alone
      expect(out.timers?.some((t) => t.name === "sagaStalled") ?? false).toBe(false);
      expect(out.cancelTimers ?? []).not.toContain("sagaStalled");
      return;
    }
    const limit = LIMITS[after.status];
    expect(stallAfterMs(after.status, CFG)).toBe(limit ?? null);
    if (limit === undefined) {
      expect(out.cancelTimers).toContain("sagaStalled");
      expect(out.timers?.some((t) => t.name === "sagaStalled") ?? false).toBe(false);
    } else {
      expect(out.timers?.filter((t) => t.name === "sagaStalled")).toEqual([stallTimer(after.status, after.history.length, limit)]);
    }
  });

  test("a new order arms it, so an order whose inventory never answers is caught too", () => {
    const out = decideOrder(null, SITUATIONS.CREATED.steps[0]!);
    expect(out).toMatchObject({ kind: "ok", timers: [stallTimer("CREATED", 1, CFG.stallAfterMs)] });
    if (out.kind === "ok") expect(out.cancelTimers).toBeUndefined();
  });

  test("firing in the same status and version records the stall, and nothing else changes", () => {
    const s = reach("INVENTORY_RESERVED");
    const out = expectStill(s, msg.timer("sagaStalled", stallToken(s)), ["order.SagaStalled.v1"]);
    if (out.kind !== "ok") throw new Error("unreachable");
    expect(emitted(out.emit, "order.SagaStalled.v1")).toEqual({ orderId: ORDER, status: "INVENTORY_RESERVED", since: s.updatedAt, afterMs: CFG.stallAfterMs });
    expect(out.state).toEqual(s);
    expect(out.timers).toBeUndefined();
  });

  test("a refund left pending is flagged after its own limit", () => {
    const s = reach("REFUND_PENDING");
    const { emit } = run([msg.timer("sagaStalled", stallToken(s))], s);
    expect(emitted(emit, "order.SagaStalled.v1")).toMatchObject({ status: "REFUND_PENDING", afterMs: CFG.refundStallAfterMs });
  });

  test("a timer armed before the order moved is ignored", () => {
    const created = reach("CREATED");
    const moved = reach("INVENTORY_RESERVED");
    expectStill(moved, msg.timer("sagaStalled", stallToken(created)), "ignore");
  });

  test("a timer from an earlier visit to the same status is ignored (the version tells them apart)", () => {
    const failed = reach("PAYMENT_FAILED");
    const firstVisit = stallToken(reach("INVENTORY_RESERVED"));
    const retried = drive([{ type: "Retry" }], failed);
    expect(retried.status).toBe("INVENTORY_RESERVED");
    expectStill(retried, msg.timer("sagaStalled", firstVisit), "ignore");
    expect(decideOrder(retried, msg.timer("sagaStalled", stallToken(retried))).kind).toBe("ok");
  });

  test.each(SITUATION_NAMES.filter((n) => LIMITS[SITUATIONS[n].status] === undefined))("in %s a stall timer is ignored", (name) => {
    const s = reach(name);
    expectStill(s, msg.timer("sagaStalled", stallToken(s)), "ignore");
  });

  test("a paid order is stalled only past its handling time", () => {
    const { out } = lastMove("PAYMENT_AUTHORIZED");
    const timer = out.kind === "ok" ? out.timers?.find((t) => t.name === "sagaStalled") : undefined;
    expect(timer?.at.getTime()).toBe(NOW.getTime() + CFG.handlingMs + CFG.stallAfterMs);
  });
});
