/**
 * The services the edge calls besides the order commands: catalog and search, carts,
 * currencies, accounts, dead letters, alerts, the audit log, the dashboard's figures and the command health check - and what they do when
 * the actor kinds commit (live order and stock updates, cache invalidation, alerts).
 */
import { Accounts } from "../accounts/accounts.ts";
import { Customers } from "../accounts/customers.ts";
import { Carts } from "../cart/cart.ts";
import { Catalog } from "../catalog/catalog.ts";
import { Search } from "../catalog/search.ts";
import { CatalogAdmin, CatalogChange } from "../catalog/catalog-admin.ts";
import { publishStock } from "../catalog/stock-live.ts";
import { subjects } from "../contracts/subjects.ts";
import type { KindHooks } from "../kinds.ts";
import { Currencies } from "../money/rates.ts";
import { Alerts } from "../ops/alerts.ts";
import { AuditLog } from "../ops/audit.ts";
import { DeadLetters } from "../ops/dead-letters.ts";
import { Dashboard } from "../orders/dashboard.ts";
import { Mailbox } from "../notify/mailbox.ts";
import { MessageHistory } from "../notify/history.ts";
import { publishMailChanges } from "../notify/mail-live.ts";
import { NotificationPreferences } from "../accounts/preferences.ts";
import { commandHealth } from "../ops/health.ts";
import { log } from "../runtime/log.ts";
import { startStep } from "../runtime/startup.ts";
import { databaseName, type Config } from "./config.ts";
import type { Engines } from "./engines.ts";

export type Services = {
  catalog: Catalog;
  /** full-text catalog search with facets and typo correction */
  search: Search;
  /** guests' and customers' carts */
  carts: Carts;
  currencies: Currencies;
  /** customer and admin accounts, passwords and refresh-token sessions */
  accounts: Accounts;
  /** the admins' view of the accounts: search, orders, sign-ins, roles */
  customers: Customers;
  deadLetters: DeadLetters;
  /** stalled and failed sagas, dead letters and low stock, for the admins */
  alerts: Alerts;
  /** every admin action, who took it and why */
  audit: AuditLog;
  /** the admin dashboard's figures, from the counters the projector keeps */
  dashboard: Dashboard;
  /** the admins' products, pictures and categories */
  catalogAdmin: CatalogAdmin;
  /** can this shop take commands right now (database up, log keeping up) */
  health: ReturnType<typeof commandHealth>;
  /** the notifier's messages for the admins: list, preview, send again, SLA figures */
  mailbox: Mailbox;
  /** a customer's messages, and an order's */
  messageHistory: MessageHistory;
  /** the channels a customer turned off, and their number for text messages */
  preferences: NotificationPreferences;
};

/** The services over the engines; on an edge, search learns the catalog's words first. */
export async function openServices(config: Config, e: Engines): Promise<Services> {
  const { db } = e.database;
  const search = new Search(db, e.cache);
  // The typo-correction vocabulary follows the products. Only edges search: actors and
  // relays start without this (a restart of theirs is on the saga's critical path).
  if (config.roles.includes("edge")) {
    await startStep("learning the catalog's words", databaseName(config), () => search.refreshTerms());
  }
  const alerts = new Alerts(db, e.database.sql, (changed) => e.pubsub.publish(subjects.alerts, { changed }));
  // what a process that stopped between a change and its reconciling left behind
  await startStep("reconciling the alerts", databaseName(config), () => Promise.all([alerts.syncLowStock(), alerts.syncDeadLetters()]));
  const lettersChanged = (changed: number) => {
    e.pubsub.publish(subjects.deadLetters, { changed });
    alerts.syncDeadLettersSoon();
  };
  const catalog = new Catalog(db, e.cache, async (skus) => {
    await alerts.syncLowStock(skus).catch((err) => log.warn("low stock alerts not reconciled", { error: err }));
    await publishStock(db, e.pubsub, skus);
  });
  // a product change: its event leaves through the outbox, cached reads go stale, search learns its words
  const catalogAdmin = new CatalogAdmin({
    db, pubsub: e.pubsub,
    changed: async (skus) => {
      e.outboxWritten();
      await catalog.invalidate(skus);
      await search.refreshTerms();
      if (skus.length > 0) await alerts.syncLowStock(skus).catch((err) => log.warn("low stock alerts not reconciled", { error: err }));
    },
  });
  // an edge whose cache is its own (no Redis) forgets what another edge's admin changed
  if (config.roles.includes("edge")) {
    e.pubsub.subscribe(subjects.catalog, (data) => {
      const change = CatalogChange.safeParse(data);
      if (change.success) void catalog.invalidate([change.data.sku]).catch((err) => log.warn("catalog cache not invalidated", { error: err }));
    });
  }
  return {
    catalog,
    catalogAdmin,
    search,
    // badge counts go through the shared cache: a change on one edge reaches the others
    carts: new Carts(db, undefined, e.cache),
    currencies: new Currencies(db, e.cache),
    // session checks go through the shared cache: a sign-out on one edge reaches the others
    accounts: new Accounts(db, { cache: e.cache, onOutbox: e.outboxWritten }),
    customers: new Customers(db),
    deadLetters: new DeadLetters(db, e.outboxWritten, lettersChanged),
    alerts,
    audit: new AuditLog(db),
    dashboard: new Dashboard(db),
    health: commandHealth(e.database.sql, { maxOutboxAgeMs: config.maxOutboxAgeMs }),
    // a message sent again is announced like one the worker changed
    mailbox: new Mailbox(e.database.sql, config.publicUrl, (about) => publishMailChanges(e.pubsub, about)),
    messageHistory: new MessageHistory(e.database.sql, config.publicUrl),
    preferences: new NotificationPreferences(db),
  };
}

/**
 * After the kinds commit: queued messages wake the delivery worker; orders go out to live pages; changed stock leaves the cache, then
 * goes out live; low stock and dead letters are reconciled with their alerts; the order's
 * alerts, committed with its view, are announced.
 */
export function kindHooks(e: Engines, s: Services): KindHooks {
  return {
    viewChanged(orderId, view) {
      e.pubsub.publish(subjects.order(orderId), view);
      e.pubsub.publish(subjects.allOrders, view);
    },
    stockChanged(skus) {
      void s.alerts.syncLowStock(skus).catch((err) => log.warn("low stock alerts not reconciled", { error: err }));
      void s.catalog.invalidate(skus)
        .catch((err) => log.warn("cache invalidation failed", { error: err }))
        // live stock on product pages, after the invalidation: a page that loads too late
        // for this message reads the new figure instead (best effort, like all live updates)
        .then(() => publishStock(e.database.db, e.pubsub, skus))
        .catch((err) => log.warn("stock fan-out failed", { error: err }));
    },
    deadLettered(count) {
      e.pubsub.publish(subjects.deadLetters, { changed: count });
      s.alerts.syncDeadLettersSoon();
    },
    orderAlertsChanged(orderIds) {
      e.pubsub.publish(subjects.alerts, { changed: orderIds.length });
    },
    messagesQueued(about) {
      e.delivery?.wake();
      publishMailChanges(e.pubsub, about);
    },
  };
}
