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
import type { AuthEnv } from "../auth.ts";
import { disableIdleTimeout, eventStream, sseMessage, sseResponse } from "../sse.ts";
import { query } from "../validate.ts";

type Deps = { catalog: Catalog; pubsub: PubSub; heartbeatMs?: number };

const StreamQuery = z.object({ buy: z.enum(["yes", "no"]).optional() });

/** The stream URL of a product page that shows the add-to-cart form (`buyable`) or not. */
export const stockStreamUrl = (productPath: string, buyable: boolean) => `${productPath}/stream?buy=${buyable ? "yes" : "no"}`;

/** The stock stream of one product page. */
export function stockStream(deps: Deps): Hono<AuthEnv> {
  return new Hono<AuthEnv>().get("/p/:sku/stream", async (c) => {
    const sku = c.req.param("sku");
    const { buy } = query(c, StreamQuery);
    // Subscribe before loading: a change committed in between is buffered, not lost.
    const feed = openFeed(deps.pubsub, sku);
    const product = await deps.catalog.get(sku).catch((e: unknown) => {
      feed.close();
      throw e; // an unknown SKU becomes the 404 page
    });
    disableIdleTimeout(c);
    const body = eventStream(c.req.raw.signal, deps.heartbeatMs ?? 5_000, (send) => {
      feed.start(product.available, buy === undefined ? null : buy === "yes", send);
      return feed.close;
    });
    return sseResponse(body);
  });
}

/**
 * A subscription that buffers until the stream starts, then sends each change of units
 * once; the add-to-cart region goes along when buyability differs from what the page shows.
 */
function openFeed(pubsub: PubSub, sku: string) {
  const buffered: number[] = [];
  let deliver = (units: number) => void buffered.push(units);
  const close = pubsub.subscribe(subjects.stock(sku), (data) => {
    const message = StockMessage.safeParse(data);
    if (message.success && message.data.sku === sku) deliver(message.data.available);
    else console.warn(`stock stream ${sku}: dropped a message that is not its stock update`);
  });
  const start = (current: number, shownBuyable: boolean | null, send: (text: string) => void) => {
    let sent: number | null = null;
    let buyable = shownBuyable;
    deliver = (units) => {
      if (units === sent) return; // the badge would not change
      sent = units;
      const now = canBuy(units);
      const region = now === buyable ? undefined : now;
      buyable = now;
      send(sseMessage(render(<StockUpdate sku={sku} level={stockLevel(units)} canBuy={region} />)));
    };
    for (const units of [current, ...buffered.splice(0)]) deliver(units);
  };
  return { start, close };
}
