/** The product page's live stock: orders reserve stock, the page's SSE stream sends the new badge. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { subjects } from "../../actors/contracts/subjects.ts";
import { startShop, type Shop } from "../../test/kit.ts";
import { countingPubSub, sseReader } from "../../test/sse.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { catalogPages } from "./catalog-pages.tsx";

let shop: Shop;
let pubsub: ReturnType<typeof countingPubSub>; // counts live subscriptions, to see streams let go
let pages: Hono<AuthEnv>;
let open: ReturnType<typeof sseReader>[] = [];

beforeAll(async () => {
  shop = await startShop();
  pubsub = countingPubSub(shop.sys.pubsub);
  const { catalog, search, currencies } = shop.sys;
  pages = new Hono<AuthEnv>().route("/", catalogPages({ catalog, search, currencies, pubsub, heartbeatMs: 50 }));
}, 30_000);
afterEach(async () => {
  await Promise.all(open.map((s) => s.cancel()));
  open = [];
});
afterAll(() => shop.stop());

async function connect(app: { request(path: string, init?: RequestInit): Response | Promise<Response> }, sku: string, signal?: AbortSignal, query = "") {
  const res = await app.request(`/p/${sku}/stream${query}`, { signal });
  const sse = sseReader(res);
  open.push(sse);
  return { res, sse };
}

const badge = (data: string) => /<p id="stock-[^"]+"[^>]*>([^<]*)<\/p>/.exec(data)?.[1];

describe("GET /p/:sku/stream", () => {
  test("sends the current badge, then a new one as orders reserve the stock", async () => {
    const { res, sse } = await connect(shop.app, "LAP-005");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const first = await sse.message();
    expect(first.data).toStartWith('<hx-partial hx-target="#stock-LAP-005" hx-swap="outerMorph">');
    expect(first.data).toContain('<p id="stock-LAP-005" class="stock stock-low" role="status" data-stock="low">Only 7 left!</p>');

    await shop.place("alice", { sku: "LAP-005", qty: 2 });
    expect(badge((await sse.message()).data)).toBe("Only 5 left!");
    await shop.place("bob", { sku: "LAP-005", qty: 5 });
    const soldOut = await sse.message();
    expect(badge(soldOut.data)).toBe("Out of stock");
    // without ?buy the stream does not know what the page shows: the first message brought the form, this one the note
    expect(first.data).toContain('<hx-partial hx-target="#buy-LAP-005" hx-swap="outerHTML"><div id="buy-LAP-005" class="add-to-cart"><form');
    expect(soldOut.data).toContain('<hx-partial hx-target="#buy-LAP-005" hx-swap="outerHTML"><div id="buy-LAP-005" class="add-to-cart"><p class="muted">This product cannot be ordered right now.</p></div></hx-partial>');

    // the page itself agrees once loaded again
    const page = await (await shop.app.request("/p/LAP-005")).text();
    expect(page).toContain(">Out of stock</p>");
    expect(page).not.toContain('action="/cart/items"');
  }, 20_000);

  test("an admin's stock adjustment reaches the open page too", async () => {
    const { sse } = await connect(shop.app, "PHN-001");
    expect((await sse.message()).data).toContain(">In stock</p>");
    await shop.oneWarehouse("PHN-001");
    const onHand = (await shop.sys.catalog.get("PHN-001")).available;
    await shop.sys.catalog.adjustStock("PHN-001", -(onHand - 3), "damaged in the warehouse", undefined, "", "BER");
    expect(badge((await sse.message()).data)).toBe("Only 3 left!");
  }, 20_000);

  test("the add-to-cart region comes only when buying becomes possible or impossible, against what the page shows", async () => {
    const { sse } = await connect(pages, "PHN-004", undefined, "?buy=yes");
    const first = await sse.message();
    expect(first.data).not.toContain("buy-PHN-004"); // the page already shows the form
    const units = (await shop.sys.catalog.get("PHN-004")).available;
    pubsub.publish(subjects.stock("PHN-004"), { sku: "PHN-004", available: units - 1 });
    expect((await sse.message()).data).not.toContain("buy-PHN-004");
    pubsub.publish(subjects.stock("PHN-004"), { sku: "PHN-004", available: 0 });
    const gone = await sse.message();
    expect(badge(gone.data)).toBe("Out of stock");
    expect(gone.data).toContain("This product cannot be ordered right now.");
    pubsub.publish(subjects.stock("PHN-004"), { sku: "PHN-004", available: 2 });
    const back = await sse.message();
    expect(badge(back.data)).toBe("Only 2 left!");
    expect(back.data).toContain('<button type="submit">Add to cart</button>');
  });

  test("a page that says it cannot be bought gets the form as soon as the stream sees stock", async () => {
    const { sse } = await connect(pages, "PHN-001", undefined, "?buy=no");
    const first = await sse.message();
    expect(badge(first.data)).not.toBe("Out of stock");
    expect(first.data).toContain('<button type="submit">Add to cart</button>');
  });

  test("400 naming a bad buy parameter", async () => {
    const res = await pages.request("/p/PHN-001/stream?buy=maybe");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("buy:");
  });

  test("404 for an unknown product, and the subscription is released", async () => {
    const res = await pages.request("/p/NOPE-1/stream");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toStartWith("text/html");
    expect(pubsub.live).toBe(0);
  });

  test("skips messages that are not a stock update or would not change the badge", async () => {
    const { sse } = await connect(pages, "PHN-003");
    expect(badge((await sse.message()).data)).toBe("Only 3 left!");
    pubsub.publish(subjects.stock("PHN-003"), { sku: "PHN-003", available: "lots" });
    pubsub.publish(subjects.stock("PHN-003"), { sku: "OTHER", available: 1 });
    pubsub.publish(subjects.stock("PHN-003"), { sku: "PHN-003", available: 3 }); // unchanged
    pubsub.publish(subjects.stock("PHN-003"), { sku: "PHN-003", available: 40 });
    const next = await sse.message();
    expect(badge(next.data)).toBe("In stock");
    expect(next.id).toBeUndefined(); // stock has no version to resume from
  });

  test("sends comment heartbeats and lets go of the subscription when the client leaves", async () => {
    const abort = new AbortController();
    const { sse } = await connect(pages, "PHN-001", abort.signal);
    await sse.message();
    expect(await sse.next()).toEqual({ data: "", comment: "keep-alive" });
    expect(pubsub.live).toBe(1);
    abort.abort();
    expect(pubsub.live).toBe(0);

    const { sse: other } = await connect(pages, "PHN-001");
    await other.message();
    expect(pubsub.live).toBe(1);
    await other.cancel();
    expect(pubsub.live).toBe(0);
  });
});
