import { describe, expect, test } from "bun:test";
import { ORDER_STATUSES } from "./contracts/index.ts";
import { canCancel } from "./order-commands.ts";
import { SITUATION_NAMES, SITUATIONS, decideOrder, reach } from "./testing/test-kit.ts";

describe("canCancel agrees with the Cancel command", () => {
  test.each(SITUATION_NAMES.filter((n) => n !== "PAYMENT_AUTHORIZED, handed to carrier"))("%s", (situation) => {
    const accepted = decideOrder(reach(situation), { type: "Cancel", by: "customer" }).kind === "ok";
    expect(canCancel(SITUATIONS[situation].status)).toBe(accepted);
  });

  test("a paid order handed to the carrier is the one case the status cannot tell: the command refuses it", () => {
    expect(canCancel("PAYMENT_AUTHORIZED")).toBe(true);
    expect(decideOrder(reach("PAYMENT_AUTHORIZED, handed to carrier"), { type: "Cancel", by: "customer" }))
      .toMatchObject({ kind: "reject", status: "PAYMENT_AUTHORIZED", reason: "the order has already been handed to the carrier" });
  });

  test("shipped, delivered and closed orders are not cancellable", () => {
    const closed = ORDER_STATUSES.filter((s) => !canCancel(s));
    expect(closed).toEqual(["SHIPPED", "DELIVERED", "CANCELLED", "REFUND_PENDING", "REFUND_FAILED", "REFUNDED", "INVENTORY_RELEASED"]);
  });
});
