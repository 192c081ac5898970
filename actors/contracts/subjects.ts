/** The pub/sub subjects of live updates: an order's read model, every order's, a SKU's stock, the dead letters, the alerts. */
export const subjects = {
  order: (orderId: string) => `orders.${orderId}`,
  allOrders: "orders.all",
  /** a SKU's available units after a change (actors/catalog/stock-live.ts) */
  stock: (sku: string) => `stock.${sku}`,
  /** the dead letters changed: parked, replayed or discarded (`{ changed: number }`) */
  deadLetters: "ops.dead-letters",
  /** the admins' alerts changed: opened, acknowledged or resolved (`{ changed: number }`) */
  alerts: "ops.alerts",
};
