/**
 * The layout's rules, checked on the import graph of the product code (tests and their
 * kits left out): no import cycles, a runtime that knows no domain, actor kinds free of
 * drivers, pure views. ARCHITECTURE.md explains the rooms these rules keep apart.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importGraph, type Graph } from "./import-graph.ts";

const graph: Graph = importGraph(["actors", "edge", "views", "db"]);
const files = [...graph.keys()];

/** Every cycle of the graph (strongly connected components of more than one file). */
function cycles(g: Graph): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next), low.set(v, next++), stack.push(v), on.add(v);
    for (const w of g.get(v)?.local ?? []) {
      if (!index.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      on.delete(w), scc.push(w);
      if (w === v) break;
    }
    if (scc.length > 1) found.push(scc.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The edges out of `dir` that `allowed` refuses, as "from -> to". */
const crossings = (dir: string, allowed: (to: string) => boolean) =>
  files.filter((f) => f.startsWith(dir)).flatMap((f) => [...graph.get(f)!.local].filter((t) => !allowed(t)).map((t) => `${f} -> ${t}`));

/** Everything `file` reaches through relative imports, itself included (`loaded`: only what runs). */
function reach(file: string, loaded = false): Set<string> {
  const seen = new Set<string>([file]);
  for (const f of seen) for (const t of (loaded ? graph.get(f)?.loads : graph.get(f)?.local) ?? []) if (graph.has(t)) seen.add(t);
  return seen;
}

const DRIVERS = /^(drizzle-orm|postgres|@electric-sql\/pglite|kafkajs|@nats-io\/|@upstash\/|bun$)/;

describe("the layout", () => {
  test("the scan found the product code", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get("actors/system/system.ts")?.local.size).toBeGreaterThan(5);
  });

  test("no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("the runtime imports no domain module: only itself, the message contracts and the database", () => {
    expect(crossings("actors/runtime/", (t) => /^(actors\/runtime\/|actors\/contracts\/(envelope|payloads|index)\.ts$|db\/)/.test(t))).toEqual([]);
  });

  test("directly in actors/ are the actor kinds, their stores and bindings, and nothing else", () => {
    const top = files.filter((f) => /^actors\/[^/]+$/.test(f)).sort();
    expect(top).toEqual([
      "actors/inventory.ts", "actors/kinds.ts", "actors/notification.ts", "actors/order-commands.ts", "actors/order-stall.ts", "actors/order-state.ts", "actors/order.ts",
      "actors/payment.ts", "actors/projector.ts", "actors/shipping.ts", "actors/stores.ts",
    ]);
  });

  test("an actor kind's decide is pure: no driver, no database, no Bun anywhere it reaches", () => {
    const kinds = ["order", "inventory", "payment", "shipping", "projector", "notification"].map((k) => `actors/${k}.ts`);
    const impure = kinds.flatMap((k) => [...reach(k)].flatMap((f) => [
      ...[...graph.get(f)!.local].filter((t) => t.startsWith("db/") || t.startsWith("actors/runtime/") && !/actor\.ts$/.test(t)),
      ...[...graph.get(f)!.packages].filter((p) => p !== "zod"),
    ].map((t) => `${k}: ${f} -> ${t}`)));
    expect(impure).toEqual([]);
  });

  test("views are pure: nothing under views/ loads a driver or anything from db/, however indirectly", () => {
    const views = files.filter((f) => f.startsWith("views/"));
    const impure = views.flatMap((v) => [...reach(v, true)].flatMap((f) => [...graph.get(f)!.loads]
      .filter((t) => t.startsWith("db/") || DRIVERS.test(t)).map((t) => `${v}: ${f} -> ${t}`)));
    expect(views.length).toBeGreaterThan(30);
    expect(impure).toEqual([]);
  });

  test("the walk sees a driver behind relative imports (the rule above can fail)", () => {
    const loaded = [...reach("actors/catalog/search.ts", true)].flatMap((f) => [...graph.get(f)!.loads]);
    expect(loaded.filter((t) => DRIVERS.test(t) || t.startsWith("db/")).length).toBeGreaterThan(0);
  });

  test("the edge reaches Bun only through its adapter and its entry point", () => {
    const portable = files.filter((f) => f.startsWith("edge/") && !f.startsWith("edge/adapters/") && f !== "edge/main.ts" && f !== "edge/token.ts");
    const direct = portable.flatMap((f) => [
      ...[...graph.get(f)!.packages].filter((p) => p === "bun" || p.startsWith("hono/bun")).map((p) => `${f} -> ${p}`),
      ...(/\bBun\.\w/.test(readFileSync(join(import.meta.dir, "..", f), "utf8")) ? [`${f} uses Bun.*`] : []),
    ]);
    expect(portable.length).toBeGreaterThan(20);
    expect(direct).toEqual([]);
  });
});
