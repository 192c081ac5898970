/**
 * Pages kept as the bytes they were rendered to, under a key naming everything they were
 * rendered from. A view is pure (props -> JSX, views/), so a catalog page follows from the
 * catalog's version (which every change of a product, its stock or the categories moves on),
 * the visitor's rate and shell, and the address: a page whose key was seen lately is sent as
 * kept, without reading its data, rendering it or encoding it again. Nothing is invalidated:
 * a change changes the key. Callers asking for a page being rendered share that render; a
 * page is kept at most `maxAgeMs` (a change that moved nothing in the key), and the least
 * recently used go first past a count and a size.
 */

import type { Context } from "hono";

/** A kept page as the answer: its bytes as they are. */
export const sendHtml = (c: Context, page: Uint8Array<ArrayBuffer>): Response => c.body(page, 200, { "Content-Type": "text/html; charset=UTF-8" });

export type RenderedPages = {
  /** The page kept under `key`, or `render`'s, kept from now on. */
  get(key: readonly unknown[], render: () => Promise<string>): Promise<Uint8Array<ArrayBuffer>>;
  readonly size: number;
  readonly bytes: number;
};

type Kept = { at: number; page: Promise<Uint8Array<ArrayBuffer>>; cost: number };

export function renderedPages(opts: { maxEntries: number; maxBytes: number; maxAgeMs: number; now?: () => number }): RenderedPages {
  const now = opts.now ?? Date.now;
  const kept = new Map<string, Kept>();
  const encoder = new TextEncoder();
  let bytes = 0;
  const drop = (key: string, k: Kept) => {
    if (kept.get(key) !== k) return;
    kept.delete(key);
    bytes -= k.cost;
  };
  return {
    get(parts, render) {
      const key = JSON.stringify(parts);
      const hit = kept.get(key);
      if (hit && now() - hit.at < opts.maxAgeMs) {
        // most recently used last: a Map iterates in insertion order, the oldest first
        kept.delete(key);
        kept.set(key, hit);
        return hit.page;
      }
      if (hit) drop(key, hit);
      const mine: Kept = { at: now(), page: render().then((html) => encoder.encode(html)), cost: key.length * 2 };
      kept.set(key, mine);
      bytes += mine.cost;
      mine.page.then((page) => {
        if (kept.get(key) !== mine) return;
        mine.cost += page.byteLength;
        bytes += page.byteLength;
        for (const [oldest, k] of kept) {
          if (kept.size <= opts.maxEntries && bytes <= opts.maxBytes) break;
          drop(oldest, k);
        }
      }, () => drop(key, mine)); // a failed render is not handed to later callers
      return mine.page;
    },
    get size() {
      return kept.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
