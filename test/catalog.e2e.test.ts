/**
 * A product an admin creates, on every engine (in distributed mode NATS carries the live
 * change and Kafka the catalog.events message): another admin's open product list and a
 * shopper's open category page hear of it, search finds it, and its event goes out on the log and leaves the outbox.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { outbox } from "../db/schema.ts";
import { ALL_ENGINES } from "./engines.ts";
import { startShop, waitUntil, type Shop } from "./kit.ts";
import { sseReader } from "./sse.ts";
import { visitor } from "./visitor.ts";

describe.each(ALL_ENGINES)("%s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({}, undefined, engine);
  }, 60_000);
  afterAll(() => shop.stop());

  /** Read frames until one holds `text`. */
  async function until(sse: ReturnType<typeof sseReader>, text: string): Promise<string> {
    for (;;) {
      const frame = await sse.message();
      if (frame.data.includes(text)) return frame.data;
    }
  }

  test("a new product reaches open lists and category pages live, search, and catalog.events", async () => {
    const sku = `E2E-${engine.toUpperCase()}`;
    const name = `Wombat ${engine} amplifier`;
    const list = sseReader(await (await visitor(shop).signIn("e2e-bea", "admin")).get("/admin/products/stream", { accept: "text/event-stream" }));
    const page = sseReader(await visitor(shop).get("/c/audio/live", { accept: "text/event-stream" }));
    try {
      await Promise.all([list.next(), page.next()]); // both streams are open and subscribed
      const created = await shop.call("POST", "/api/admin/products", {
        token: await shop.token("admin", "e2e-ada"),
        body: { sku, name, description: "Made end to end.", brand: "Marsupial", category: "audio", price: 45_600, lowStockThreshold: 3 },
      });
      expect(created.status).toBe(201);
      expect(await until(list, name)).toContain('hx-target="#product-list"');
      expect(await until(page, name)).toContain('hx-target="#listing"');
    } finally {
      await Promise.all([list.cancel(), page.cancel()]);
    }
    const found = await shop.call("GET", "/api/products/search?q=wombat");
    expect(found.json.items.map((i: { sku: string }) => i.sku)).toEqual([sku]);
    // Read back from the log (a new group starts at the beginning), and gone from the outbox.
    const heard: string[] = [];
    const reader = await shop.sys.bus.consume(`e2e-catalog-${engine}`, ["catalog.events"], async (b) => {
      heard.push(...b.messages.filter((m) => m.key === sku).map((m) => m.value));
    });
    try {
      await waitUntil(async () => heard.some((v) => v.includes('"catalog.ProductCreated.v1"')), 15_000, "catalog.ProductCreated.v1 published");
      await waitUntil(async () => (await shop.sys.database.db.$count(outbox, eq(outbox.key, sku))) === 0, 15_000, "published row deleted");
    } finally {
      await reader.stop();
    }
  }, 60_000);
});
