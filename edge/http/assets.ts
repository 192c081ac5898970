/**
 * Static assets for the pages: htmx 4, its SSE extension and our stylesheet. Files are
 * read once, when this module loads, and served from memory with an ETag (a web-standard
 * digest, so this runs on any runtime Hono does).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { etag } from "hono/etag";

const require = createRequire(import.meta.url);

type Asset = { body: string; type: string };

const load = (path: string, type: string): Asset => ({ body: readFileSync(path, "utf8"), type });

// URLs are unversioned, so browsers revalidate after an hour; the ETag makes that a 304.
const CACHE = "public, max-age=3600";

const js = "text/javascript; charset=utf-8";
const files = new Map<string, Asset>([
  ["htmx.js", load(require.resolve("htmx.org/dist/htmx.min.js"), js)],
  ["hx-sse.js", load(require.resolve("htmx.org/dist/ext/hx-sse.min.js"), js)],
  ["app.css", stylesheet()],
  ["local-time.js", load(fileURLToPath(new URL("../../views/local-time.js", import.meta.url)), js)],
]);

/** views/styles.css, then each area's sheet in views/css/ (alphabetical), as one file. */
function stylesheet(): Asset {
  const dir = fileURLToPath(new URL("../../views/css/", import.meta.url));
  const parts = [
    fileURLToPath(new URL("../../views/styles.css", import.meta.url)),
    ...readdirSync(dir).filter((f) => f.endsWith(".css")).sort().map((f) => join(dir, f)),
  ];
  const body = parts.map((p) => readFileSync(p, "utf8")).join("\n");
  return { body, type: "text/css; charset=utf-8" };
}

/** Serves /assets/htmx.js, /assets/hx-sse.js, /assets/local-time.js and /assets/app.css; mount with app.route("/", assets). */
export const assets = new Hono().use("/assets/*", etag()).get("/assets/:name", (c) => {
  const asset = files.get(c.req.param("name"));
  if (!asset) return c.notFound();
  c.header("Cache-Control", CACHE);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Content-Type", asset.type);
  return c.body(asset.body);
});
