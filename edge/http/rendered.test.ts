import { describe, expect, test } from "bun:test";
import { renderedPages } from "./rendered.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("renderedPages", () => {
  test("a key seen lately is sent as kept; another key renders", async () => {
    const pages = renderedPages({ maxEntries: 10, maxBytes: 1 << 20, maxAgeMs: 60_000 });
    let renders = 0;
    const render = (html: string) => async () => (renders++, html);
    expect(text(await pages.get(["home", 1, "USD"], render("<p>v1</p>")))).toBe("<p>v1</p>");
    expect(text(await pages.get(["home", 1, "USD"], render("<p>not asked</p>")))).toBe("<p>v1</p>");
    expect(text(await pages.get(["home", 2, "USD"], render("<p>v2</p>")))).toBe("<p>v2</p>");
    expect(renders).toBe(2);
  });

  test("callers of a page being rendered share its render", async () => {
    const pages = renderedPages({ maxEntries: 10, maxBytes: 1 << 20, maxAgeMs: 60_000 });
    let renders = 0;
    let finish!: (html: string) => void;
    const render = () => (renders++, new Promise<string>((r) => (finish = r)));
    const both = Promise.all([pages.get(["p"], render), pages.get(["p"], render)]);
    finish("<p>once</p>");
    expect((await both).map(text)).toEqual(["<p>once</p>", "<p>once</p>"]);
    expect(renders).toBe(1);
  });

  test("a failed render is not kept: the next caller renders again", async () => {
    const pages = renderedPages({ maxEntries: 10, maxBytes: 1 << 20, maxAgeMs: 60_000 });
    await expect(pages.get(["p"], async () => { throw new Error("no such product"); })).rejects.toThrow("no such product");
    expect(pages.size).toBe(0);
    expect(text(await pages.get(["p"], async () => "<p>ok</p>"))).toBe("<p>ok</p>");
  });

  test("a page older than maxAgeMs renders again", async () => {
    let t = 0;
    const pages = renderedPages({ maxEntries: 10, maxBytes: 1 << 20, maxAgeMs: 1_000, now: () => t });
    await pages.get(["p"], async () => "<p>old</p>");
    t = 999;
    expect(text(await pages.get(["p"], async () => "<p>new</p>"))).toBe("<p>old</p>");
    t = 1_000;
    expect(text(await pages.get(["p"], async () => "<p>new</p>"))).toBe("<p>new</p>");
    expect(pages.size).toBe(1);
  });

  test("past maxEntries or maxBytes the least recently used go first", async () => {
    const pages = renderedPages({ maxEntries: 2, maxBytes: 1 << 20, maxAgeMs: 60_000 });
    await pages.get(["a"], async () => "a");
    await pages.get(["b"], async () => "b");
    await pages.get(["a"], async () => "not asked"); // a is now the most recently used
    await pages.get(["c"], async () => "c");
    expect(pages.size).toBe(2);
    expect(text(await pages.get(["a"], async () => "a again"))).toBe("a");
    expect(text(await pages.get(["b"], async () => "b again"))).toBe("b again");

    const small = renderedPages({ maxEntries: 100, maxBytes: 3_000, maxAgeMs: 60_000 });
    for (const k of ["x", "y", "z"]) await small.get([k], async () => k.repeat(1_000));
    await Bun.sleep(0);
    expect(small.size).toBe(2);
    expect(small.bytes).toBeLessThanOrEqual(3_000);
  });
});
