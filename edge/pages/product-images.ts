/**
 *   GET /images/:file   a product picture, e.g. /images/LAP-001-1.svg, drawn on request
 *
 * Only the files a product lists in its `images` exist; anything else is a 404. The pictures
 * change only if a product is renamed, so browsers may keep them a week (the ETag covers a
 * rename after that).
 *
 *   GET /images/u/:id-:digest.webp   an uploaded picture's thumbnail (…/:id-:digest the original)
 *
 * Uploaded pictures live in the database (every edge serves them); their URL names the
 * picture's digest, so it never changes and may be cached for good.
 */
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { Catalog } from "../../actors/catalog/catalog.ts";
import type { CatalogAdmin } from "../../actors/catalog/catalog-admin.ts";
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

const UPLOADED = /^([1-9]\d{0,15})-([0-9a-f]{20})(\.webp)?$/;

/** Serves uploaded pictures from the database: thumbnails (WebP) and originals. */
export function uploadedImages(admin: CatalogAdmin) {
  return new Hono().get("/images/u/:file", async (c) => {
    const match = UPLOADED.exec(c.req.param("file"));
    if (!match) return c.text("no such image", 404);
    const etagValue = `"${match[2]}${match[3] ? "-t" : ""}"`;
    if (c.req.header("if-none-match") === etagValue) return c.body(null, 304, { ETag: etagValue });
    const image = await admin.image(Number(match[1]), match[2]!, match[3] ? "thumb" : "original");
    if (!image) return c.text("no such image", 404);
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    c.header("ETag", etagValue);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Type", image.contentType);
    return c.body(image.bytes as Uint8Array<ArrayBuffer>);
  });
}
