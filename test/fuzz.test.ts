/**
 * A short seeded fuzz run (test/fuzz/): 1,000 generated bad requests over raw connections
 * against a fresh shop on the embedded default (PGlite in memory). The floor: no 5xx from the shop, no request
 * left without an answer, no table changed, and the server still up. `bun run fuzz` is the
 * long run (10,000 by default, any seed); a failure here prints the cases to replay there.
 */
import { expect, test } from "bun:test";
import { fuzz, type Finding } from "./fuzz/run.ts";

const SEED = 20261205;
const show = (fs: Finding[]) => fs.map((f) => `#${f.index} ${JSON.stringify(f.outcome)} ${f.route}: ${f.what}`);

test("1,000 bad requests: no 5xx, no hang, no table changed, the server still up", async () => {
  const report = await fuzz({ seed: SEED, count: 1000, timeoutMs: 10_000, inMemory: true });
  expect(report.sent).toBe(1000);
  expect(show(report.serverErrors)).toEqual([]);
  expect(show(report.hangs)).toEqual([]);
  expect(report.stateChanges).toEqual([]);
  expect(report.errorLogs).toEqual([]);
  expect(report.stillUp).toBe(true);
  // the run reached the shop's code, not only the HTTP parser: most answers are the shop's refusals
  expect(report.classes["4xx"] ?? 0).toBeGreaterThan(500);
}, 90_000); // most of it is the shop starting
