/**
 * Who sees which orders: an admin sees every order, a customer only their own. The edge
 * asks it of one order; the order service also turns it into the filter of a list.
 */
export type Viewer = { sub: string; role: "customer" | "admin" };

/** True when `viewer` may see an order placed by `customerId`. */
export const canSee = (viewer: Viewer, customerId: string): boolean => viewer.role === "admin" || viewer.sub === customerId;

/** The one customer whose orders `viewer` may see, or null when they may see everyone's. */
export const visibleCustomer = (viewer: Viewer): string | null => (viewer.role === "admin" ? null : viewer.sub);
