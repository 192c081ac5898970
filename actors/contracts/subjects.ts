/** The pub/sub subjects of live updates: an order's read model, every order's, a SKU's stock, any stock, the dead letters, the alerts, the mail. */
export const subjects = {
  order: (orderId: string) => `orders.${orderId}`,
  allOrders: "orders.all",
  /** a SKU's available units after a change (actors/catalog/stock-live.ts) */
  stock: (sku: string) => `stock.${sku}`,
  /** some SKUs' stock changed, whatever changed it (`{ skus: string[] }`): the admin dashboard's low-stock list */
  stockLevels: "stock-levels",
  /** the dead letters changed: parked, replayed or discarded (`{ changed: number }`) */
  deadLetters: "ops.dead-letters",
  /** the admins' alerts changed: opened, acknowledged or resolved (`{ changed: number }`) */
  alerts: "ops.alerts",
  /** a product was created, edited, archived or restored (`{ sku, change }`, actors/catalog/catalog-admin.ts) */
  catalog: "catalog.products",
  /** the notifier's messages changed: queued, sent, retried, failed or sent again (`{ changed: number }`) */
  mail: "notify.messages",
  /** the messages about one order (or account, or SKU) changed (`{ changed: number }`): its admin page */
  mailAbout: (subject: string) => `notify.about.${subject}`,
};
