/**
 *   GET /p/:sku/stream?buy=yes|no   SSE: subscribe -> load the product -> send its stock
 *                                   badge -> send the badge again each time its available
 *                                   units change
 *
 * Messages are unnamed <hx-partial> blocks rendered by the page's own StockBadge, plus the
 * page's add-to-cart region whenever buying becomes possible or impossible; `buy` says
 * which the page shows (unknown: the first message sends the region). Stock has no version
 * to resume from, so a reconnect simply gets the current badge first.
 */
import { Hono } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import type { Catalog } from "../../actors/catalog/catalog.ts";
import { type PubSub } from "../../actors/runtime/pubsub.ts";
import { subjects } from "../../actors/contracts/subjects.ts";
import { canBuy, stockLevel, StockUpdate as StockMessage } from "../../actors/catalog/stock-live.ts";
import { StockUpdate } from "../../views/catalog/stock-badge.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { openLiveFeed, type Frame } from "../http/live-feed.ts";
import { sseMessage } from "../http/sse.ts";
import { query } from "../http/validate.ts";

type Deps = { catalog: Catalog; pubsub: PubSub; heartbeatMs?: number };

const StreamQuery = z.object({ buy: z.enum(["yes", "no"]).optional() });

/** The stream URL of a product page that shows the add-to-cart form (`buyable`) or not. */
export const stockStreamUrl = (productPath: string, buyable: boolean) => `${productPath}/stream?buy=${buyable ? "yes" : "no"}`;

/** The stock stream of one product page. */
export function stockStream(deps: Deps): Hono<AuthEnv> {
  return new Hono<AuthEnv>().get("/p/:sku/stream", async (c) => {
    const sku = c.req.param("sku");
    const { buy } = query(c, StreamQuery);
    const feed = openLiveFeed(deps.pubsub, {
      subject: subjects.stock(sku),
      parse: (data) => {
        const message = StockMessage.safeParse(data);
        return message.success && message.data.sku === sku ? message.data.available : undefined;
      },
      dropped: `stock stream ${sku}: dropped a message that is not its stock update`,
    });
    const product = await feed.load(() => deps.catalog.get(sku)); // an unknown SKU becomes the 404 page
    return feed.respond(c, product.available, badgeChanges(sku, buy === undefined ? null : buy === "yes"), deps.heartbeatMs);
  });
}

/**
 * Each change of units, once; the add-to-cart region goes along when buyability differs
 * from what the page shows (`shownBuyable`, null when unknown).
 */
function badgeChanges(sku: string, shownBuyable: boolean | null): Frame<number> {
  let sent: number | null = null;
  let buyable = shownBuyable;
  return (units, once) => {
    if (units === sent) return null; // the badge would not change
    sent = units;
    const now = canBuy(units);
    const region = now === buyable ? undefined : now;
    buyable = now;
    // every page of the product that shows the same change gets the same bytes
    return once(`${units}:${region}`, () => sseMessage(render(<StockUpdate sku={sku} level={stockLevel(units)} canBuy={region} />)));
  };
}
