/**
 * Views are pure props -> JSX: no module under views/ may load a database driver, a broker
 * client or Bun's own API, however indirectly. Type-only imports are erased before
 * anything runs, so they may name a type that lives beside a query.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const DRIVERS = /^(drizzle-orm|postgres|@electric-sql\/pglite|kafkajs|bun)(\/|$)/;
// `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`; `import type` and `export type` are skipped
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(type\s)?[^;]*?\bfrom\s*["']([^"']+)["']|(?:^|[\s;])import\s*\(?\s*["']([^"']+)["']/g;

/** The modules `file` loads when it runs: relative paths resolved, packages as named. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(IMPORT)].filter((m) => !m[1])
    .map((m) => m[2] ?? m[3] ?? "")
    .map((spec) => (spec.startsWith(".") ? resolve(dirname(file), spec) : spec));
}

/** The first chain from `start` to a driver or to db/, or null when there is none. */
function impurePath(start: string): string[] | null {
  const seen = new Set<string>();
  const stack = [[start]];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const file = path.at(-1)!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const target of runtimeImports(file)) {
      const local = target.startsWith("/");
      if (local ? relative(ROOT, target).startsWith("db/") : DRIVERS.test(target)) return [...path, target];
      if (local && /\.tsx?$/.test(target)) stack.push([...path, target]);
    }
  }
  return null;
}

const modules = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return modules(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });

test.each(modules(join(ROOT, "views")).map((f) => [relative(ROOT, f), f]))("%s loads no driver and nothing from db/", (_name, file) => {
  const chain = impurePath(file);
  expect(chain && chain.map((p) => (p.startsWith("/") ? relative(ROOT, p) : p)).join(" -> ")).toBeNull();
});

test("the walk finds a driver behind a relative import", () => {
  expect(impurePath(join(ROOT, "actors/money/rates.ts"))?.at(-1)).toBe("drizzle-orm");
  expect(impurePath(join(ROOT, "actors/catalog/search.ts"))).not.toBeNull();
});
