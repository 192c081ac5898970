import { describe, expect, test } from "bun:test";
import { ORDER_STATUSES } from "./contracts/index.ts";
import { ADMIN_TOOLS, adminTools, auditName, canCancel, type AdminTool } from "./order-commands.ts";
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

describe("the admin's tools follow the commands", () => {
  test.each(SITUATION_NAMES)("%s: a tool is offered exactly when its command is accepted", (situation) => {
    const s = reach(situation);
    const offered = adminTools(s, new Date());
    for (const [tool, command] of Object.entries(ADMIN_TOOLS)) {
      const accepted = decideOrder(s, command).kind === "ok";
      expect([tool, offered.includes(tool as AdminTool)]).toEqual([tool, accepted]);
    }
  });

  test("a failed payment offers retry, release and cancel; a shipped order only delivery", () => {
    expect(adminTools(reach("PAYMENT_FAILED"), new Date())).toEqual(["retry", "releaseInventory", "cancel"]);
    expect(adminTools(reach("SHIPPED"), new Date())).toEqual(["markDelivered"]);
    expect(auditName(ADMIN_TOOLS.hold)).toBe("order.status.PROCESSING");
    expect(auditName(ADMIN_TOOLS.refundPayment)).toBe("order.refundPayment");
  });
});
