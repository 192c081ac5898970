import { describe, expect, test } from "bun:test";
import type { OrderStatus } from "../contracts/index.ts";
import { projectorActor, type OrderView } from "../projector.ts";
import { ev, NOW, ORDER, PLACE, run } from "../testing/test-kit.ts";
import { alertLink, alertsAfterChange, alertsAfterStall, alertStateOf, orderAlertKey, type OrderAlerts } from "./alert-rules.ts";

const AT = NOW.toISOString();
const change = (from: OrderStatus, to: OrderStatus) => ({ orderId: ORDER, from, to, reason: `${from} to ${to}`, details: {} });
const stall = (status: OrderStatus) => ({ orderId: ORDER, status, since: AT, afterMs: 120_000 });
const existing = (kind: "stalled" | "failed", id: number): OrderAlerts => ({
  [orderAlertKey(kind, ORDER)]: { id, kind, subject: ORDER, summary: "s", details: {}, openedAt: AT },
});

describe("the order's alerts", () => {
  test("a stall opens one alert, and a second stall keeps it", () => {
    const once = alertsAfterStall({}, stall("CREATED"), AT);
    expect(Object.values(once)).toEqual([expect.objectContaining({
      id: null, kind: "stalled", subject: ORDER, summary: `Order ${ORDER} has been CREATED for over 2 min`, details: expect.objectContaining({ status: "CREATED" }),
    })]);
    expect(alertsAfterStall({}, { ...stall("CREATED"), afterMs: 1_500 }, AT)[orderAlertKey("stalled", ORDER)]?.summary).toContain("for over 2 s");
    expect(alertsAfterStall(existing("stalled", 7), stall("CREATED"), AT)).toEqual(existing("stalled", 7));
  });

  test("any move resolves a stall", () => {
    expect(alertsAfterChange(existing("stalled", 7), change("CREATED", "INVENTORY_RESERVED"), AT)).toEqual({});
  });

  test.each(["INVENTORY_FAILED", "PAYMENT_FAILED", "SHIPPING_FAILED", "REFUND_FAILED"] as const)("reaching %s opens a failed alert", (to) => {
    const after = alertsAfterChange({}, { ...change("CREATED", to), code: "CARD_DECLINED" }, AT);
    expect(after[orderAlertKey("failed", ORDER)]).toMatchObject({ id: null, kind: "failed", details: { status: to, code: "CARD_DECLINED" } });
  });

  test("leaving a failed status resolves its alert; failing again is a new one", () => {
    expect(alertsAfterChange(existing("failed", 3), change("PAYMENT_FAILED", "INVENTORY_RESERVED"), AT)).toEqual({});
    const again = alertsAfterChange(existing("failed", 3), change("REFUND_PENDING", "REFUND_FAILED"), AT);
    expect(again[orderAlertKey("failed", ORDER)]?.id).toBeNull();
  });

  test("links and states", () => {
    expect(alertLink("stalled", "o 1")).toBe("/admin/orders/o%201");
    expect(alertLink("deadLetter", "12")).toBe("/admin/dead-letters/12");
    expect(alertLink("lowStock", "LAP-001")).toBe("/admin/stock/LAP-001");
    expect(alertStateOf({ acknowledgedAt: null, resolvedAt: null })).toBe("open");
    expect(alertStateOf({ acknowledgedAt: NOW, resolvedAt: null })).toBe("acknowledged");
    expect(alertStateOf({ acknowledgedAt: NOW, resolvedAt: NOW })).toBe("resolved");
  });
});

describe("the projector keeps the order's alerts beside its view", () => {
  const { emit } = run([PLACE]);
  const created = ev(emit.find((e) => e.type === "order.OrderCreated.v1")!);
  const view = (() => {
    const out = projectorActor.decide(null, created, { now: NOW, res: {} });
    if (out.kind !== "ok" || !out.state) throw new Error("not projected");
    return out.state;
  })();
  const stalled = (status: OrderStatus) => ev({ type: "order.SagaStalled.v1", payload: stall(status) });
  const decide = (v: OrderView, e: ReturnType<typeof ev>, res: OrderAlerts) => projectorActor.decide(v, e, { now: NOW, res });

  test("a stall in the view's status opens an alert; one the view has moved past is ignored", () => {
    expect(decide(view, stalled("CREATED"), {})).toMatchObject({ kind: "ok", res: { [orderAlertKey("stalled", ORDER)]: { kind: "stalled" } } });
    expect(decide(view, stalled("INVENTORY_RESERVED"), {}).kind).toBe("ignore");
  });

  test("a status change resolves the stall along with the view's move", () => {
    const moved = ev({ type: "order.StatusChanged.v1", payload: change("CREATED", "INVENTORY_RESERVED") });
    expect(decide(view, moved, existing("stalled", 9))).toMatchObject({ kind: "ok", state: { status: "INVENTORY_RESERVED" }, res: {} });
  });
});
