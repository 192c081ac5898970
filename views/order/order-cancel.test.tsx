import { describe, expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { FAILURE_CODES, ORDER_STATUSES, type FailureCode, type OrderStatus } from "../../actors/contracts/index.ts";
import { canCancel } from "../../actors/order-commands.ts";
import { failureText, statusNote } from "./order-note.ts";
import { CancelRegion, StatusRegion } from "./order-live.tsx";
import { advanced, placedOrder } from "../test-fixtures.ts";

const at = (status: OrderStatus, reason = "x", code?: FailureCode) => advanced(placedOrder("o/1", "c-1"), status, reason, code);

describe("CancelRegion", () => {
  test.each(ORDER_STATUSES)("%s: the button follows the order domain's rule; the region is always there", (status) => {
    const html = render(<CancelRegion view={at(status)} />);
    expect(html).toStartWith('<div id="order-cancel" class="order-cancel">');
    expect(html.includes('<form method="post" action="/orders/o%2F1/cancel">')).toBe(canCancel(status));
  });

  test.each(["INVENTORY_RELEASED", "CANCELLED", "REFUNDED", "DELIVERED"] as const)("a closed order (%s) offers no cancel", (status) => {
    expect(render(<CancelRegion view={at(status)} />)).not.toContain("Cancel order");
  });
});

describe("failures in customer words: the code decides, never the provider's wording", () => {
  test.each([
    ["PAYMENT_FAILED", "INSUFFICIENT_FUNDS", "insufficient funds", "Your card was declined for insufficient funds. No money was taken."],
    ["PAYMENT_FAILED", "CARD_DECLINED", "card declined", "Your card was declined. No money was taken."],
    ["PAYMENT_FAILED", "INVALID_CARD", "invalid card token", "Your card was declined. No money was taken."],
    ["PAYMENT_FAILED", "AUTHORIZATION_TIMEOUT", "payment provider did not answer within 300 ms", "The payment service did not answer in time. No money was taken."],
    ["INVENTORY_FAILED", "OUT_OF_STOCK", "insufficient stock for LAP-005", "Some items sold out before we could reserve them. No money was taken."],
    ["SHIPPING_FAILED", "UNDELIVERABLE", "address is undeliverable", "The carrier cannot deliver to this address. We will be in touch."],
    ["SHIPPING_FAILED", "CARRIER_REJECTED", "carrier rejected the parcel", "The carrier could not take the parcel. We are trying again."],
    ["SHIPPING_FAILED", "SHIPPING_TIMEOUT", "shipping provider did not answer within 300 ms", "There is a problem with the delivery. We are looking into it."],
    ["REFUND_FAILED", "REFUND_REJECTED", "refund rejected by the card issuer", "Your card issuer has not accepted the refund yet. We are looking into it."],
    ["REFUND_FAILED", "REFUND_TIMEOUT", "payment provider did not answer within 300 ms", "Your refund is delayed: the payment service did not answer in time. We are looking into it."],
    ["REFUND_FAILED", "UNKNOWN_PAYMENT", "unknown payment", "Your refund is delayed. We are looking into it."],
    ["INVENTORY_RELEASED", "RESERVATION_EXPIRED", "reservation expired", "The order was closed because payment was not completed in time. No money was taken."],
  ] as const)("%s with %s", (status, code, reason, words) => {
    const view = at(status, reason, code);
    expect(failureText(view)).toBe(words);
    expect(render(<StatusRegion view={view} />)).toContain(`<p class="status-note">${words}</p>`);
    // A provider that words its refusal differently changes nothing the customer reads.
    expect(failureText(at(status, "something else entirely", code))).toBe(words);
  });

  test.each([
    ["PAYMENT_FAILED", "Your payment did not go through. No money was taken."],
    ["INVENTORY_FAILED", "Some items are out of stock. No money was taken."],
    ["SHIPPING_FAILED", "There is a problem with the delivery. We are looking into it."],
    ["REFUND_FAILED", "Your refund is delayed. We are looking into it."],
  ] as const)("%s recorded without a code (before codes were): the status's words, whatever the reason says", (status, words) => {
    expect(failureText(at(status, "insufficient funds"))).toBe(words);
  });

  test("every code has its own words", () => {
    for (const code of FAILURE_CODES) expect(failureText(at("PAYMENT_FAILED", "x", code))).toEqual(expect.any(String));
  });

  test.each(["CREATED", "PAYMENT_AUTHORIZED", "SHIPPED", "CANCELLED", "REFUND_PENDING", "INVENTORY_RELEASED"] as const)("%s has no problem to tell", (status) => {
    expect(failureText(at(status, "card declined"))).toBeNull();
  });

  test.each(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "PROCESSING", "SHIPPED", "DELIVERED"] as const)(
    "%s needs no note under the badge",
    (status) => {
      expect(statusNote(at(status))).toBeNull();
      expect(render(<StatusRegion view={at(status)} />)).not.toContain("status-note");
    },
  );
});

describe("refunds in customer words, with the amount in the order's currency", () => {
  const paid = advanced(advanced(placedOrder("o-9", "c-1"), "INVENTORY_RESERVED", "stock reserved"), "PAYMENT_AUTHORIZED", "payment authorized");
  const pending = advanced(paid, "REFUND_PENDING", "cancelled by customer");

  test("a refund on its way says how much and that it takes a few days", () => {
    const words = "We are refunding $44.97 to your card. It can take a few days to show on your statement.";
    expect(statusNote(pending)).toBe(words);
    expect(render(<StatusRegion view={pending} />)).toContain(`<p class="status-note">${words}</p>`);
  });

  test("cancelled after a refund: the money went back", () => {
    expect(statusNote(advanced(pending, "CANCELLED", "payment refunded"))).toBe("Your order is cancelled and $44.97 was refunded to your card.");
  });

  test("cancelled before any payment: no money was taken", () => {
    expect(statusNote(advanced(placedOrder("o-8", "c-1"), "CANCELLED", "cancelled by customer"))).toBe("Your order is cancelled. No money was taken.");
  });

  test("refunded after a delivery problem, in yen", () => {
    const failed = advanced(advanced(paid, "SHIPPING_FAILED", "address is undeliverable", "UNDELIVERABLE"), "REFUND_PENDING", "refund by admin");
    const refunded = { ...advanced(failed, "REFUNDED", "payment refunded"), currency: "JPY", total: 6800 };
    expect(statusNote(refunded)).toBe("We refunded ¥6,800 to your card.");
  });

  test("a refund that failed is a problem first", () => {
    expect(statusNote(advanced(pending, "REFUND_FAILED", "refund rejected by the card issuer", "REFUND_REJECTED")))
      .toBe("Your card issuer has not accepted the refund yet. We are looking into it.");
  });
});
