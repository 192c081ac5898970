import { describe, expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { ORDER_STATUSES, type OrderStatus } from "../actors/contracts/index.ts";
import { canCancel } from "../actors/order-commands.ts";
import { failureText } from "./order-failure.ts";
import { CancelRegion, StatusRegion } from "./order-live.tsx";
import { advanced, placedOrder } from "./test-fixtures.ts";

const at = (status: OrderStatus, reason = "x") => advanced(placedOrder("o/1", "c-1"), status, reason);

describe("CancelRegion", () => {
  test.each(ORDER_STATUSES)("%s: the button follows the order domain's rule; the region is always there", (status) => {
    const html = render(<CancelRegion view={at(status)} />);
    expect(html).toStartWith('<div id="order-cancel" class="order-cancel">');
    expect(html.includes('<form method="post" action="/orders/o%2F1/cancel">')).toBe(canCancel(status));
  });
});

describe("failure reasons in customer words", () => {
  test.each([
    ["PAYMENT_FAILED", "insufficient funds", "Your card was declined for insufficient funds. No money was taken."],
    ["PAYMENT_FAILED", "card declined", "Your card was declined. No money was taken."],
    ["PAYMENT_FAILED", "payment provider did not answer within 300 ms", "The payment service did not answer in time. No money was taken."],
    ["PAYMENT_FAILED", "something new", "Your payment did not go through. No money was taken."],
    ["INVENTORY_FAILED", "insufficient stock for LAP-005", "Some items sold out before we could reserve them. No money was taken."],
    ["SHIPPING_FAILED", "address is undeliverable", "The carrier cannot deliver to this address. We will be in touch."],
    ["REFUND_FAILED", "refund rejected by the card issuer", "Your card issuer has not accepted the refund yet. We are looking into it."],
    ["INVENTORY_RELEASED", "reservation expired", "The order was closed because payment was not completed in time. No money was taken."],
  ] as const)("%s with %p", (status, reason, words) => {
    const view = at(status, reason);
    expect(failureText(view)).toBe(words);
    expect(render(<StatusRegion view={view} />)).toContain(`<p class="status-note">${words}</p>`);
  });

  test.each(["CREATED", "PAYMENT_AUTHORIZED", "SHIPPED", "CANCELLED", "REFUND_PENDING"] as const)("%s has no problem to tell", (status) => {
    expect(failureText(at(status, "card declined"))).toBeNull();
    expect(render(<StatusRegion view={at(status)} />)).not.toContain("status-note");
  });
});
