import { describe, expect, test } from "bun:test";
import { orderActor } from "./order.ts";
import { reservedUntil } from "./order-commands.ts";
import { CFG, NOW, ORDER, SC, SITUATION_NAMES, SITUATIONS, decideOrder, drive, expectMove, expiryToken, msg, reach } from "./testing/test-kit.ts";

const PAY = { type: "PayAgain", paymentToken: "tok_visa" } as const;
const DEADLINE = new Date(NOW.getTime() + CFG.reservationTtlMs);

describe("a declined order paid with another card", () => {
  test("a new authorization attempt with the new card; the reservation keeps its deadline on a timer of the new attempt", () => {
    const out = expectMove(reach("PAYMENT_FAILED"), PAY, ["INVENTORY_RESERVED", ["order.PaymentRequested.v1", SC]]);
    expect(out.emit[0]?.payload).toMatchObject({ orderId: ORDER, paymentToken: "tok_visa", attempt: 2 });
    expect(out.state?.paymentToken).toBe("tok_visa");
    expect(out.timers?.filter((t) => t.name === "reservationExpiry")).toEqual([{ name: "reservationExpiry", at: DEADLINE, token: expiryToken(1, 2) }]);
    expect(out.state?.history.at(-1)?.details).toEqual({ reservedUntil: DEADLINE.toISOString() });
  });

  test("the new card's answer moves the order on; a second decline shows again, and a third card keeps the same deadline", () => {
    const paying = drive([...SITUATIONS.PAYMENT_FAILED.steps, PAY]);
    expect(drive([msg.authorized(2)], paying).status).toBe("PAYMENT_AUTHORIZED");
    expect(decideOrder(paying, msg.payFailed(1)).kind).toBe("ignore"); // the first card's answer again (redelivery)
    const declinedAgain = drive([msg.payFailed(2)], paying);
    expect(declinedAgain.status).toBe("PAYMENT_FAILED");
    expect(reservedUntil(declinedAgain, CFG)).toEqual(DEADLINE);
    const third = decideOrder(declinedAgain, PAY);
    expect(third.kind === "ok" && third.timers).toContainEqual({ name: "reservationExpiry", at: DEADLINE, token: expiryToken(1, 3) });
  });

  test("a second submit while the first card is being tried is refused, so only one attempt is made", () => {
    const paying = drive([...SITUATIONS.PAYMENT_FAILED.steps, PAY]);
    expect(decideOrder(paying, PAY)).toMatchObject({ kind: "reject", status: "INVENTORY_RESERVED" });
  });

  test("the reservation's expiry still fires for the new attempt, and after it the order cannot be paid", () => {
    const paying = drive([...SITUATIONS.PAYMENT_FAILED.steps, PAY, msg.payFailed(2)]);
    const expired = drive([msg.timer("reservationExpiry", expiryToken(1, 2))], paying);
    expect(expired.status).toBe("INVENTORY_RELEASED");
    expect(decideOrder(expired, PAY)).toMatchObject({ kind: "reject", reason: expect.stringContaining("reservation has expired") });
  });

  test("past the deadline, before its timer fired, the command refuses too", () => {
    const late = orderActor(CFG).decide(reach("PAYMENT_FAILED"), { kind: "command", command: PAY }, {
      now: new Date(DEADLINE.getTime() + 1), res: undefined,
    });
    expect(late).toMatchObject({ kind: "reject", status: "PAYMENT_FAILED", reason: expect.stringContaining("reservation has expired") });
  });

  test.each(SITUATION_NAMES.filter((n) => n !== "PAYMENT_FAILED"))("refused in %s", (situation) => {
    expect(decideOrder(reach(situation), PAY).kind).toBe("reject");
  });
});
