/**
 * Which cart a request touches: the signed-in customer's, else the guest cart whose random
 * id sits in the `cart` cookie (HttpOnly, SameSite=Lax, 7 days, renewed on every change).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { CartOwner, Carts } from "../../actors/cart/cart.ts";
import { CART_TTL_MS, priceCart, type PricedCart } from "../../actors/cart/cart-rules.ts";
import type { Currencies } from "../../actors/money/rates.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { secureCookies } from "../auth/session.ts";
import { currencyOf } from "./shell.ts";

export const CART_COOKIE = "cart";

/** Anything but a UUID in the cookie is ignored: the id is ours, never the client's choice. */
const GuestId = z.string().uuid();

const cookieOptions = (c: Context) =>
  ({ path: "/", httpOnly: true, sameSite: "Lax", secure: secureCookies(c) }) as const;

/** The guest cart id from the cookie, or null. */
export function guestCartId(c: Context): string | null {
  const id = GuestId.safeParse(getCookie(c, CART_COOKIE));
  return id.success ? id.data : null;
}

/** Whose cart this request may touch; nobody else's, whatever it sends. */
export function cartOwnerOf(c: Context<AuthEnv>): CartOwner {
  const user = c.get("user");
  return user ? { kind: "user", userId: user.sub } : { kind: "guest", cartId: guestCartId(c) };
}

/** After a guest's change: keep (or start) the cookie naming the cart, for another 7 days. */
export function rememberCart(c: Context<AuthEnv>, owner: CartOwner, cartId = owner.kind === "guest" ? owner.cartId : null): void {
  if (owner.kind !== "guest" || !cartId) return;
  setCookie(c, CART_COOKIE, cartId, { ...cookieOptions(c), maxAge: CART_TTL_MS / 1000 });
}

/**
 * The accounts routes' `onSignIn(c, userId)` hook: the guest's cart joins the customer's
 * and the cookie goes. If the merge fails the cookie stays, so the next sign-in retries.
 */
export function mergeCartOnSignIn(carts: Carts): (c: Context<AuthEnv>, userId: string) => Promise<void> {
  return async (c, userId) => {
    const guest = guestCartId(c);
    if (!guest) return;
    await carts.merge(guest, userId);
    deleteCookie(c, CART_COOKIE, cookieOptions(c));
  };
}

export type CartDeps = { carts: Carts; currencies: Currencies };

/** The cart at today's prices, in the visitor's currency unless another is named. */
export async function pricedCart(
  deps: CartDeps, c: Context<AuthEnv>, owner = cartOwnerOf(c), currency: string = currencyOf(c),
): Promise<PricedCart> {
  return priceCart(await deps.carts.lines(owner), await deps.currencies.rate(currency));
}

/** The header badge's count for pageShell: units in this request's cart. */
export function cartCount(carts: Carts): (c: Context<AuthEnv>) => Promise<number> {
  return (c) => carts.count(cartOwnerOf(c));
}
