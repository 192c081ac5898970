/**
 * `bun run chaos`: the distributed shop on this machine under a fault schedule, with its
 * invariants checked at the end (see bench/chaos/ and the README's "Chaos run").
 *
 *   --orders N (10000)   --rate N orders/s (50)   --fault-every S (5: an actors kill every S s)
 *   --seed N (1)         --lost SHARE (0.005: provider keys whose answers are lost; 0 leaves it out)
 *   --customers N (500)  --actors N (2)  --edges N (2)  --quiesce S (180)
 *   --report FILE        also write the report as JSON
 *   --keep-logs          keep the processes' logs (always kept when an invariant breaks)
 *
 * Exits 0 when every invariant held, 1 when one broke, 2 when the run itself failed.
 */
import { parseArgs } from "node:util";
import { runChaos } from "./chaos/run.ts";

// Bun caps concurrent client requests at 256 unless told before it starts; thousands of
// customers retrying at once need more, so the run starts itself again with the setting.
if (!process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "8192" }, stdin: "inherit", stdout: "inherit", stderr: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  process.exit(await child.exited);
}

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    rate: { type: "string", default: "50" },
    "fault-every": { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    lost: { type: "string", default: "0.005" },
    customers: { type: "string", default: "500" },
    actors: { type: "string", default: "2" },
    edges: { type: "string", default: "2" },
    quiesce: { type: "string", default: "180" },
    report: { type: "string" },
    "keep-logs": { type: "boolean", default: false },
  },
});

const num = (name: keyof typeof args, min: number, max = Infinity) => {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number in ${min}..${max}, got ${args[name]}`);
    process.exit(2);
  }
  return n;
};
const options = {
  orders: Math.round(num("orders", 1)), rate: num("rate", 0.1), faultEvery: num("fault-every", 0.5), seed: Math.round(num("seed", 0)),
  lost: num("lost", 0, 1), customers: Math.round(num("customers", 1)), actors: Math.round(num("actors", 2, 8)),
  edges: Math.round(num("edges", 2, 8)), quiesceS: num("quiesce", 1), keepLogs: args["keep-logs"],
};

try {
  const report = await runChaos(options);
  if (args.report) await Bun.write(args.report, JSON.stringify(report, null, 2));
  process.exit(report.ok ? 0 : 1);
} catch (err) {
  console.error(`[chaos] the run failed: ${err instanceof Error ? err.stack ?? err.message : err}`);
  process.exit(2);
}
