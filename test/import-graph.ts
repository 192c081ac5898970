/**
 * The import graph of the product code: for each non-test module under the given folders,
 * the modules it imports by relative path and the packages it imports by name. Type-only
 * imports count: a tangle of types is still a tangle.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

export type Node = { local: Set<string>; packages: Set<string> };
export type Graph = Map<string, Node>;

const root = join(import.meta.dir, "..");
const IMPORT = /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
const PRODUCT = (name: string) => /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !/^test-(kit|fixtures)\.tsx?$/.test(name);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (name === "node_modules") return [];
    if (statSync(join(root, path)).isDirectory()) return name === "testing" ? [] : sources(path);
    return PRODUCT(name) ? [path] : [];
  });
}

/** A package's name from a bare specifier (`hono/bun` stays whole: its subpaths differ in kind). */
const packageOf = (spec: string) => (spec.startsWith("bun:") ? "bun" : spec);

/** The graph of every product module under `dirs` (paths relative to the repository). */
export function importGraph(dirs: string[]): Graph {
  const files = dirs.flatMap(sources);
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const node: Node = { local: new Set(), packages: new Set() };
    for (const m of readFileSync(join(root, file), "utf8").matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? "";
      if (!spec.startsWith(".")) {
        node.packages.add(packageOf(spec));
        continue;
      }
      const target = normalize(relative(root, join(root, dirname(file), spec)));
      const hit = [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`].find((c) => known.has(c));
      node.local.add(hit ?? target);
    }
    graph.set(file, node);
  }
  return graph;
}
