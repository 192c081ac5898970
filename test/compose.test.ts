/** compose.yaml cannot run here (no Docker engine): check it against the code instead. */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const compose = Bun.YAML.parse(readFileSync(join(root, "compose.yaml"), "utf8")) as {
  services: Record<string, { build?: { context: string; dockerfile: string }; ports?: string[]; environment?: Record<string, string>; volumes?: string[] }>;
  volumes?: Record<string, unknown>;
};

test("every variable the shop reads from its environment is one the code knows, and the port lines up", () => {
  const shop = compose.services.shop;
  expect(shop).toBeDefined();
  const config = readFileSync(join(root, "edge/config.ts"), "utf8") + readFileSync(join(root, "edge/main.ts"), "utf8") + readFileSync(join(root, "edge/secret.ts"), "utf8");
  const known = new Set([...config.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1] ?? ""));
  for (const name of Object.keys(shop!.environment ?? {})) expect(known.has(name) ? name : `unknown ${name}`).toBe(name);
  expect(shop!.environment?.JWT_SECRET).toContain("${JWT_SECRET");
  const [, inside] = (shop!.ports?.[0] ?? "").split(":");
  expect(inside).toBe(shop!.environment?.PORT);
  expect(existsSync(join(root, shop!.build!.context, shop!.build!.dockerfile))).toBe(true);
  for (const v of shop!.volumes ?? []) expect(Object.keys(compose.volumes ?? {})).toContain(v.split(":")[0] ?? "");
  const dataDir = shop!.environment?.DATA_DIR ?? "";
  expect((shop!.volumes ?? []).some((v) => dataDir.startsWith(v.split(":")[1] ?? "\0"))).toBe(true);
});
