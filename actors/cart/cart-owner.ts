/** Whose cart a request means, and the condition that finds it: shared by every cart statement. */
import { and, eq, isNull, type SQL } from "drizzle-orm";
import { carts } from "../../db/schema.ts";

/** Whose cart: a signed-in customer's, or a guest's (null until the first add creates one). */
export type CartOwner = { kind: "user"; userId: string } | { kind: "guest"; cartId: string | null };

/** The owner's cart row as a condition; a guest id may only ever name a guest cart, never a customer's. */
export const whose = (o: CartOwner): SQL | undefined =>
  o.kind === "user" ? eq(carts.owner, o.userId) : o.cartId ? and(eq(carts.id, o.cartId), isNull(carts.owner)) : undefined;
