/**
 * Checkout turns a customer's cart into one order. The idempotency key decides first: a
 * repeated submit (double click, browser retry) finds the order its key made, even though
 * that order already emptied the cart. The cart is emptied only by the request that
 * created the order, after it committed; should that step fail, the lines simply stay in
 * the cart - never a lost order or a second one.
 */
import type { Address } from "../contracts/index.ts";
import type { Carts } from "../cart/cart.ts";
import { orderLines } from "../cart/cart-rules.ts";
import { orderIdFor, type OrderService } from "./order-service.ts";

export type CheckoutInput = {
  customerId: string;
  idempotencyKey: string;
  shippingAddress: Address;
  paymentToken: string;
  currency: string;
};

/** Place the order for everything in the customer's cart at today's catalog prices; returns its id. */
export async function checkout(
  deps: { carts: Carts; orders: OrderService },
  input: CheckoutInput,
): Promise<{ orderId: string; created: boolean }> {
  const orderId = orderIdFor(input.customerId, input.idempotencyKey);
  const placed = async () => ((await deps.orders.find(orderId))?.customerId === input.customerId);
  if (await placed()) return { orderId, created: false };
  const owner = { kind: "user", userId: input.customerId } as const;
  let lines;
  try {
    lines = orderLines(await deps.carts.lines(owner));
  } catch (err) {
    // A concurrent submit with the same key may have placed the order and emptied the cart since.
    if (await placed()) return { orderId, created: false };
    throw err;
  }
  const { view, created } = await deps.orders.place({ ...input, items: lines });
  if (created) await deps.carts.removeOrdered(owner, lines);
  return { orderId: view.orderId, created };
}
