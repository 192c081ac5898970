/**
 *   GET /images/:file   a product picture, e.g. /images/LAP-001-1.svg, drawn on request
 *
 * Only the files a product lists in its `images` exist; anything else is a 404. The pictures
 * change only if a product is renamed, so browsers may keep them a week (the ETag covers a
 * rename after that).
 */
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { Catalog } from "../../actors/catalog/catalog.ts";
import { NotFound } from "../../actors/contracts/errors.ts";
import { productSvg } from "../../views/catalog/product-image.ts";

const FILE = /^(.+)-(\d{1,2})\.svg$/;
const CACHE = "public, max-age=604800";

/** Serves generated SVG pictures of catalog products. */
export function productImages(catalog: Catalog) {
  return new Hono().use("/images/*", etag()).get("/images/:file", async (c) => {
    const file = c.req.param("file");
    const match = FILE.exec(file);
    const product = match ? await catalog.get(match[1]!).catch(nullIfNotFound) : null;
    if (!match || !product || !product.images.includes(`/images/${file}`)) return c.text("no such image", 404);
    const svg = productSvg(product, Number(match[2]));
    c.header("Cache-Control", CACHE);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Type", "image/svg+xml; charset=utf-8");
    return c.body(svg);
  });
}

const nullIfNotFound = (err: unknown) => {
  if (err instanceof NotFound) return null;
  throw err;
};
