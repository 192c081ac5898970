import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { assets } from "./assets.ts";

const dist = (file: string) => readFileSync(require.resolve(`htmx.org/dist/${file}`), "utf8");

/** The base sheet, then each area's sheet, alphabetically. */
function stylesheets(): string {
  const dir = new URL("../../views/css/", import.meta.url);
  const areas = readdirSync(dir).filter((f) => f.endsWith(".css")).sort().map((f) => new URL(f, dir));
  return [new URL("../../views/styles.css", import.meta.url), ...areas].map((u) => readFileSync(u, "utf8")).join("\n");
}

describe("assets", () => {
  test.each([
    ["/assets/htmx.js", "text/javascript; charset=utf-8", dist("htmx.min.js")],
    ["/assets/hx-sse.js", "text/javascript; charset=utf-8", dist("ext/hx-sse.min.js")],
    ["/assets/app.css", "text/css; charset=utf-8", stylesheets()],
  ])("%s is served with its type, a cache policy and an ETag", async (path, type, body) => {
    const res = await assets.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-z]+"$/);
    expect(await res.text()).toBe(body);
  });

  test("htmx.js is htmx 4 and hx-sse.js registers the sse extension", async () => {
    expect(await (await assets.request("/assets/htmx.js")).text()).toContain('"4.0.');
    expect(await (await assets.request("/assets/hx-sse.js")).text()).toContain('registerExtension("sse"');
  });

  test("a matching If-None-Match gets 304 without a body", async () => {
    const etag = (await assets.request("/assets/htmx.js")).headers.get("etag") ?? "";
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const res = await assets.request("/assets/htmx.js", { headers: { "if-none-match": header } });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe("");
    }
    const stale = await assets.request("/assets/htmx.js", { headers: { "if-none-match": '"other"' } });
    expect(stale.status).toBe(200);
  });

  test("anything else is 404, including names of Object's own properties", async () => {
    for (const name of ["nope.js", "constructor", "__proto__", "..%2Fpackage.json"]) {
      expect((await assets.request(`/assets/${name}`)).status).toBe(404);
    }
  });
});
