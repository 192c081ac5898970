/**
 * The short chaos run on every push: 1,000 orders at 40/s over the distributed shop with a
 * fault every 2 s, run as `bun run chaos` is (the provider's lost answers included), and every
 * invariant must hold.
 */
import { expect, test } from "bun:test";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import type { ChaosReport } from "../bench/chaos/report.ts";
import { ARTIFACTS } from "./processes.ts";

test("a short chaos run keeps every invariant", async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const reportFile = join(ARTIFACTS, "chaos-report.json");
  const log = openSync(join(ARTIFACTS, "chaos.log"), "w");
  const run = Bun.spawn([process.execPath, "bench/chaos.ts", "--orders", "1000", "--rate", "40", "--fault-every", "2", "--lost", "0.01", "--quiesce", "60", "--report", reportFile], {
    cwd: join(import.meta.dir, ".."), stdout: log, stderr: log,
  });
  const code = await run.exited;
  // The run writes its report only when it got as far as checking; its log says why not.
  expect(await Bun.file(reportFile).exists() ? code : `exit ${code}, no report: see ${join(ARTIFACTS, "chaos.log")}`).toBeOneOf([0, 1]);
  const report = (await Bun.file(reportFile).json()) as ChaosReport;
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(code).toBe(0);

  // The faults happened, and the orders went everywhere they can go.
  for (const kind of ["kill actors", "kill relay", "kill edge", "brokerDown", "terminateBackends", "kafkaErrors"]) expect(report.faults[kind] ?? 0).toBeGreaterThan(0);
  expect(report.provider.twice + report.provider.delayed).toBeGreaterThan(0);
  expect(report.provider.lost).toBeGreaterThan(0);
  // most orders are taken; under the faults the shop sheds some (503) for longer than a customer waits
  expect(report.orders.accepted).toBeGreaterThan(800);
  for (const status of ["SHIPPED", "PAYMENT_FAILED", "SHIPPING_FAILED", "CANCELLED"]) expect(report.orders.statuses[status] ?? 0).toBeGreaterThan(0);
}, 170_000);
