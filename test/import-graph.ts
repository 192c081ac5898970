/**
 * The import graph of the product code: for each non-test module under the given folders,
 * the modules it imports by relative path and the packages it imports by name. Type-only
 * imports count (a tangle of types is still a tangle); `loads` keeps apart what a module
 * loads when it runs (type-only imports are erased before that).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

export type Node = {
  local: Set<string>;
  packages: Set<string>;
  /** the modules (repository paths) and packages it loads at run time */
  loads: Set<string>;
};
export type Graph = Map<string, Node>;

const root = join(import.meta.dir, "..");
const IMPORT = /(?:import|export)\s+(type\s)?[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
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
    const node: Node = { local: new Set(), packages: new Set(), loads: new Set() };
    for (const m of readFileSync(join(root, file), "utf8").matchAll(IMPORT)) {
      const spec = m[2] ?? m[3] ?? m[4] ?? "";
      let to: string;
      if (spec.startsWith(".")) {
        const target = normalize(relative(root, join(root, dirname(file), spec)));
        to = [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`].find((c) => known.has(c)) ?? target;
        node.local.add(to);
      } else node.packages.add((to = packageOf(spec)));
      if (!m[1]) node.loads.add(to);
    }
    graph.set(file, node);
  }
  return graph;
}
