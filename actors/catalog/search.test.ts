/** Catalog search on real databases (PGlite in memory and the local Postgres) over a small fixed catalog. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openPglite, openPostgres, type Db } from "../../db/client.ts";
import { products, stock } from "../../db/schema.ts";
import { ENGINES, freshPostgres, type Engine } from "../../test/engines.ts";
import { Search } from "./search.ts";
import { browseAll, PAGE_SIZE } from "./search-filters.ts";

async function openEngine(engine: Engine): Promise<{ db: Db; close(): Promise<void> }> {
  if (engine === "embedded") return openPglite();
  const pg = await freshPostgres({ migrated: true });
  const database = await openPostgres(pg.url);
  return { db: database.db, close: async () => (await database.close(), await pg.drop()) };
}

type Row = { sku: string; name: string; category: string; brand: string; price: number; rating: number; onHand: number; reserved?: number; description: string };

const FIXED: Row[] = [
  { sku: "T-LAP-1", name: "Aurora Laptop 14", category: "Computers", brand: "Aurora", price: 89_900, rating: 4.2, onHand: 5, description: "A light machine for travel." },
  { sku: "T-LAP-2", name: "Zenith Notebook Pro", category: "Computers", brand: "Zenith", price: 150_000, rating: 4.8, onHand: 0, description: "A powerful laptop for creative work." },
  { sku: "T-AUD-1", name: "Calm Headphones", category: "Audio", brand: "Calm", price: 19_900, rating: 4.5, onHand: 50, description: "Over-ear with noise cancelling." },
  { sku: "T-AUD-2", name: "Beat Speaker", category: "Audio", brand: "Beat", price: 4_900, rating: 3.9, onHand: 20, description: "Pairs well with any headphones when running." },
  { sku: "T-AUD-3", name: "Calm Earbuds", category: "Audio", brand: "Calm", price: 9_900, rating: 4.0, onHand: 4, reserved: 4, description: "Tiny wireless buds." },
  { sku: "T-KIT-1", name: "Iron Skillet", category: "Kitchen", brand: "Forge", price: 2_900, rating: 4.7, onHand: 100, description: "Cast iron pan." },
  { sku: "T-KIT-2", name: "Copper Kettle", category: "Kitchen", brand: "Forge", price: 2_500, rating: 4.1, onHand: 3, description: "Whistles when the water boils." },
  // enough of one kind for two pages
  ...Array.from({ length: 25 }, (_, i): Row => ({
    sku: `T-GAD-${String(i + 1).padStart(2, "0")}`, name: `Widget ${String(i + 1).padStart(2, "0")}`, category: "Gadgets",
    brand: "Acme", price: 1_000 + i, rating: 3 + (i % 10) / 10, onHand: 10, description: "A small useful thing.",
  })),
];

async function insert(db: Db, rows: Row[]) {
  await db.insert(products).values(rows.map(({ onHand: _, reserved: __, ...p }) => ({ ...p, images: [`/images/${p.sku}-1.svg`] })));
  await db.insert(stock).values(rows.map((r) => ({ sku: r.sku, warehouse: "BER", onHand: r.onHand, reserved: r.reserved ?? 0 })));
}

const skus = (r: { items: { sku: string }[] }) => r.items.map((i) => i.sku);
const counts = (values: { value: string; count: number }[]) => Object.fromEntries(values.map((v) => [v.value, v.count]));

describe.each(ENGINES)("search on %s", (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let search: Search;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    await insert(db, FIXED);
    search = new Search(db);
    await search.refreshTerms();
  }, 30_000);
  afterAll(() => close());

  test("a name match ranks above a description-only match", async () => {
    const r = await search.search(browseAll({ q: "headphones" }));
    expect(skus(r)).toEqual(["T-AUD-1", "T-AUD-2"]);
    expect(r.sort).toBe("relevance");
    expect(r.correctedQuery).toBeNull();
  });

  test("typos are corrected to catalog words and the correction is reported", async () => {
    const r = await search.search(browseAll({ q: "hedphones" }));
    expect(r.correctedQuery).toBe("headphones");
    expect(skus(r)).toEqual(["T-AUD-1", "T-AUD-2"]);
    const two = await search.search(browseAll({ q: "Zenit notebok" }));
    expect(two.correctedQuery).toBe("zenith notebook");
    expect(skus(two)).toEqual(["T-LAP-2"]);
    // a word matching nothing that resembles no catalog word stays as typed and finds nothing
    const none = await search.search(browseAll({ q: "xylophone" }));
    expect(none).toMatchObject({ total: 0, items: [], correctedQuery: null });
  });

  test("the last word is a prefix: 'lapto' finds laptops without a correction", async () => {
    const r = await search.search(browseAll({ q: "lapto" }));
    expect(skus(r).sort()).toEqual(["T-LAP-1", "T-LAP-2"]);
    expect(r.correctedQuery).toBeNull();
    expect(skus(await search.search(browseAll({ q: "skil" })))).toEqual(["T-KIT-1"]);
    // the stem of "running" is "run", which "runn" does not begin: the word itself is looked for
    expect(skus(await search.search(browseAll({ q: "runn" })))).toEqual(["T-AUD-2"]);
  });

  test("words are stemmed: 'kettles' finds the kettle; several words must all match", async () => {
    expect(skus(await search.search(browseAll({ q: "kettles" })))).toEqual(["T-KIT-2"]);
    expect(skus(await search.search(browseAll({ q: "calm buds" })))).toEqual(["T-AUD-3"]);
  });

  test("facet counts: each facet is counted with the other facets' filters, not its own", async () => {
    const r = await search.search(browseAll({ brands: ["Calm"] }));
    expect(r.total).toBe(2);
    expect(counts(r.facets.category)).toEqual({ Audio: 2 });
    expect(counts(r.facets.brand)).toEqual({ Acme: 25, Aurora: 1, Beat: 1, Calm: 2, Forge: 2, Zenith: 1 });
    expect(r.facets.brand.find((b) => b.value === "Calm")?.selected).toBe(true);
    expect(counts(r.facets.price)).toEqual({ "25-100": 1, "100-500": 1 });
    expect(r.facets.inStock).toBe(1); // the earbuds are all reserved

    const audio = await search.search(browseAll({ q: "headphones", categories: ["Audio"], prices: ["100-500"] }));
    expect(skus(audio)).toEqual(["T-AUD-1"]);
    expect(counts(audio.facets.price)).toEqual({ "25-100": 1, "100-500": 1 });
    expect(counts(audio.facets.category)).toEqual({ Audio: 1 });
  });

  test("a chosen value with no matches stays listed, so it can be unchosen", async () => {
    const r = await search.search(browseAll({ q: "skillet", brands: ["Zenith"] }));
    expect(r.total).toBe(0);
    expect(r.facets.brand).toEqual([{ value: "Forge", count: 1, selected: false }, { value: "Zenith", count: 0, selected: true }]);
  });

  test("price buckets: lower bound included, upper excluded; several buckets are alternatives", async () => {
    const under = await search.search(browseAll({ prices: ["under-25"] }));
    expect(under.total).toBe(25); // the widgets; the kettle at exactly $25 is not under $25
    const kitchen = await search.search(browseAll({ categories: ["Kitchen"], prices: ["25-100"] }));
    expect(skus(kitchen).sort()).toEqual(["T-KIT-1", "T-KIT-2"]);
    const both = await search.search(browseAll({ prices: ["500-1000", "over-1000"] }));
    expect(skus(both).sort()).toEqual(["T-LAP-1", "T-LAP-2"]);
  });

  test("in stock means available (on hand minus reserved) above zero", async () => {
    const r = await search.search(browseAll({ categories: ["Audio", "Computers"], inStock: true }));
    expect(skus(r).sort()).toEqual(["T-AUD-1", "T-AUD-2", "T-LAP-1"]);
    expect(r.items.find((i) => i.sku === "T-LAP-1")?.available).toBe(5);
  });

  test("sorts by price either way, by rating, by name; browsing defaults to name", async () => {
    const audio = (sort: "price-asc" | "price-desc" | "rating" | "name") => search.search(browseAll({ categories: ["Audio"], sort }));
    expect(skus(await audio("price-asc"))).toEqual(["T-AUD-2", "T-AUD-3", "T-AUD-1"]);
    expect(skus(await audio("price-desc"))).toEqual(["T-AUD-1", "T-AUD-3", "T-AUD-2"]);
    expect(skus(await audio("rating"))).toEqual(["T-AUD-1", "T-AUD-3", "T-AUD-2"]);
    expect(skus(await audio("name"))).toEqual(["T-AUD-2", "T-AUD-3", "T-AUD-1"]);
    const browse = await search.search(browseAll({ categories: ["Audio"] }));
    expect(browse.sort).toBe("name");
    expect(skus(browse)).toEqual(["T-AUD-2", "T-AUD-3", "T-AUD-1"]);
    // relevance without words to rank by falls back to name
    expect((await search.search(browseAll({ categories: ["Audio"], sort: "relevance" }))).sort).toBe("name");
  });

  test("20 per page with the total; pages do not overlap and cover everything", async () => {
    const one = await search.search(browseAll({ page: 1 }));
    const two = await search.search(browseAll({ page: 2 }));
    const three = await search.search(browseAll({ page: 3 }));
    expect([one.items.length, two.items.length, three.items.length]).toEqual([PAGE_SIZE, FIXED.length - PAGE_SIZE, 0]);
    expect([one.total, one.pages, two.page]).toEqual([FIXED.length, 2, 2]);
    expect(new Set([...skus(one), ...skus(two)]).size).toBe(FIXED.length);
  });

  test("suggest: up to 8 names for a prefix, typos forgiven", async () => {
    expect((await search.suggest("widg")).length).toBe(8);
    expect((await search.suggest("hedph"))[0]).toEqual({ sku: "T-AUD-1", name: "Calm Headphones", category: "Audio" });
    expect((await search.suggest("copper ket")).map((s) => s.sku)).toEqual(["T-KIT-2"]);
    expect(await search.suggest("c")).toEqual([]);
    expect(await search.suggest("qqqqzz")).toEqual([]);
  });

  test("categories come with URL slugs and counts", async () => {
    expect(await search.categories()).toEqual([
      { name: "Audio", slug: "audio", count: 3 }, { name: "Computers", slug: "computers", count: 2 },
      { name: "Gadgets", slug: "gadgets", count: 25 }, { name: "Kitchen", slug: "kitchen", count: 2 },
    ]);
  });

  test("featured: the best rated products in stock", async () => {
    // the Zenith (4.8) is out of stock
    expect((await search.featured(3)).map((p) => p.sku)).toEqual(["T-KIT-1", "T-AUD-1", "T-LAP-1"]);
  });

  test("refreshTerms follows the products: new words become corrections, gone words go", async () => {
    await insert(db, [{ sku: "T-NEW-1", name: "Quokka Plush", category: "Toys", brand: "Zooly", price: 1_500, rating: 4, onHand: 1, description: "Soft." }]);
    expect((await search.search(browseAll({ q: "quoka plush" }))).total).toBe(0); // not a known word yet
    await search.refreshTerms();
    const found = await search.search(browseAll({ q: "quoka plush" }));
    expect([found.correctedQuery, skus(found)]).toEqual(["quokka plush", ["T-NEW-1"]]);

    await db.delete(stock).where(eq(stock.sku, "T-NEW-1"));
    await db.delete(products).where(eq(products.sku, "T-NEW-1"));
    await search.refreshTerms();
    expect((await search.search(browseAll({ q: "quoka" }))).correctedQuery).toBeNull();
  });
});
