/**
 * The services the edge calls besides the order commands: catalog and search, carts,
 * currencies, accounts, dead letters, the audit log and the command health check - and what they do when
 * the actor kinds commit (live order and stock updates, cache invalidation).
 */
import { Accounts } from "../accounts/accounts.ts";
import { Carts } from "../cart/cart.ts";
import { Catalog } from "../catalog/catalog.ts";
import { Search } from "../catalog/search.ts";
import { publishStock } from "../catalog/stock-live.ts";
import { subjects } from "../contracts/subjects.ts";
import type { KindHooks } from "../kinds.ts";
import { Currencies } from "../money/rates.ts";
import { AuditLog } from "../ops/audit.ts";
import { DeadLetters } from "../ops/dead-letters.ts";
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
  deadLetters: DeadLetters;
  /** every admin action, who took it and why */
  audit: AuditLog;
  /** can this shop take commands right now (database up, log keeping up) */
  health: ReturnType<typeof commandHealth>;
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
  return {
    catalog: new Catalog(db, e.cache, (skus) => publishStock(db, e.pubsub, skus)),
    search,
    carts: new Carts(db),
    currencies: new Currencies(db, e.cache),
    // session checks go through the shared cache: a sign-out on one edge reaches the others
    accounts: new Accounts(db, { cache: e.cache }),
    deadLetters: new DeadLetters(db, e.outboxWritten, (changed) => e.pubsub.publish(subjects.deadLetters, { changed })),
    audit: new AuditLog(db),
    health: commandHealth(e.database.sql, { maxOutboxAgeMs: config.maxOutboxAgeMs }),
  };
}

/** After the kinds commit: orders go out to live pages; changed stock leaves the cache, then goes out live. */
export function kindHooks(e: Engines, s: Services): KindHooks {
  return {
    viewChanged(orderId, view) {
      e.pubsub.publish(subjects.order(orderId), view);
      e.pubsub.publish(subjects.allOrders, view);
    },
    stockChanged(skus) {
      void s.catalog.invalidate(skus)
        .catch((err) => log.warn("cache invalidation failed", { error: err }))
        // live stock on product pages, after the invalidation: a page that loads too late
        // for this message reads the new figure instead (best effort, like all live updates)
        .then(() => publishStock(e.database.db, e.pubsub, skus))
        .catch((err) => log.warn("stock fan-out failed", { error: err }));
    },
    deadLettered(count) {
      e.pubsub.publish(subjects.deadLetters, { changed: count });
    },
  };
}
