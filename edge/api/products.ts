/** Public catalog reads. */
import { Hono } from "hono";
import { z } from "zod";
import type { Catalog } from "../../actors/catalog.ts";
import { query } from "../validate.ts";

const ListQuery = z.object({
  category: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function productsApi(catalog: Catalog) {
  const app = new Hono();
  app.get("/", async (c) => c.json({ products: await catalog.list(query(c, ListQuery)) }));
  app.get("/:sku", async (c) => c.json(await catalog.get(c.req.param("sku"))));
  return app;
}
