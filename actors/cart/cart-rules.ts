/**
 * The cart's rules as pure functions: how many of a product a cart may hold, when a cart
 * has expired, what it costs in the visitor's currency, and whether it can become an order.
 */
import type { Line } from "../contracts/index.ts";
import { convert, type Rate } from "../money/currency.ts";
import { CartConflict, InputError } from "../contracts/errors.ts";

/** At most this many units of one product per cart (seed 003). */
export const MAX_PER_PRODUCT = 10;
/** A cart nobody changed for this long is empty. */
export const CART_TTL_MS = 7 * 24 * 3600_000;

/** A cart line as stored, with the product's current name, price and free stock. */
export type CartLine = {
  sku: string;
  name: string;
  qty: number;
  /** USD cents when the line was added: the price snapshot */
  snapshot: number;
  /** USD cents now */
  price: number;
  /** units on hand and not reserved */
  available: number;
  /** false once the product is archived: it stays in the cart, named, but cannot be ordered */
  sold: boolean;
};

/** A line in the visitor's currency. `was` is the price when added, set only when it changed. */
export type PricedLine = CartLine & { unitPrice: number; lineTotal: number; was: number | null; short: boolean };
export type PricedCart = { currency: string; lines: PricedLine[]; subtotal: number; count: number };

/** True when a cart last changed at `updatedAt` is past its lifetime at `now`. */
export const expired = (updatedAt: Date, now: Date): boolean => now.getTime() - updatedAt.getTime() > CART_TTL_MS;

/** The moment before which a cart's last change makes it expired. */
export const expiryCutoff = (now: Date): Date => new Date(now.getTime() - CART_TTL_MS);

/** Units of all lines: the number the header badge shows. */
export const countOf = (lines: { qty: number }[]): number => lines.reduce((n, l) => n + l.qty, 0);

/** A requested quantity must be a whole number from `min` to the per-product maximum. */
export function checkRequestedQty(qty: number, min: 0 | 1): void {
  if (!Number.isInteger(qty) || qty < min || qty > MAX_PER_PRODUCT) {
    throw new InputError("qty", `qty: choose a whole number from ${min} to ${MAX_PER_PRODUCT}`);
  }
}

/**
 * Refuses a line of `qty` units when it passes the per-product maximum or the free stock;
 * `had` is what the cart held before, so the message can say why the sum is too many.
 */
export function checkLineQty(p: { name: string; available: number }, qty: number, had = 0): void {
  if (qty > MAX_PER_PRODUCT) {
    const already = had > 0 ? ` (you already have ${had})` : "";
    throw new CartConflict("LIMIT", `You can have at most ${MAX_PER_PRODUCT} of ${p.name} in your cart${already}.`);
  }
  if (p.available <= 0) throw new CartConflict("OUT_OF_STOCK", `Sorry, ${p.name} is out of stock.`);
  if (qty > p.available) {
    const already = had > 0 ? ` (you already have ${had} in your cart)` : "";
    throw new CartConflict("OUT_OF_STOCK", `Only ${p.available} of ${p.name} left${already}.`);
  }
}

/**
 * What a merged line holds: the user's units plus the guest's, capped by the maximum and
 * the free stock, but never fewer than the user already had.
 */
export const mergedQty = (had: number, adding: number, available: number): number =>
  Math.max(had, Math.min(had + adding, MAX_PER_PRODUCT, available));

/**
 * The cart in `rate`'s currency at today's prices: each unit price is converted once and
 * the subtotal is the sum of unit price x quantity, as OrderService.place computes a total.
 */
export function priceCart(lines: CartLine[], rate: Rate): PricedCart {
  const priced = lines.map((l) => {
    const unitPrice = convert(l.price, rate);
    const was = l.snapshot === l.price ? null : convert(l.snapshot, rate);
    return { ...l, unitPrice, lineTotal: unitPrice * l.qty, was, short: l.sold && l.qty > l.available };
  });
  const subtotal = priced.reduce((sum, l) => sum + l.lineTotal, 0);
  return { currency: rate.code, lines: priced, subtotal, count: countOf(lines) };
}

/** The order lines for a cart; refuses an empty cart, a product no longer sold, and a line the stock no longer covers. */
export function orderLines(lines: CartLine[]): Line[] {
  if (lines.length === 0) throw new CartConflict("EMPTY", "Your cart is empty: add something before checking out.");
  const gone = lines.filter((l) => !l.sold);
  if (gone.length > 0) {
    const what = gone.map((l) => `${l.name} (${l.sku})`).join(", ");
    throw new CartConflict("NOT_SOLD", `${what} ${gone.length === 1 ? "is" : "are"} no longer sold: remove ${gone.length === 1 ? "it" : "them"} from your cart to check out.`);
  }
  const short = lines.filter((l) => l.qty > l.available);
  if (short.length > 0) {
    const what = short.map((l) => (l.available > 0 ? `only ${l.available} of ${l.name} left` : `${l.name} is sold out`));
    throw new CartConflict("OUT_OF_STOCK", `Stock changed: ${what.join("; ")}. Please update your cart.`);
  }
  return lines.map(({ sku, qty }) => ({ sku, qty }));
}
