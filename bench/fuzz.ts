/**
 * `bun run fuzz`: generated bad requests against a fresh shop on the embedded default
 * (test/fuzz/). Prints answers by status class, every 5xx with its route and case, hangs,
 * tables changed, and whether the server is still up. Exits 1 when any of those is wrong.
 *
 *   --count N (10000)  --seed S (1)  --concurrency C (8)  --timeout MS (10000)  --only i,j (replay cases)
 */
import { parseArgs } from "node:util";
import { fuzz, type Finding } from "../test/fuzz/run.ts";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    concurrency: { type: "string", default: "8" },
    timeout: { type: "string", default: "10000" },
    only: { type: "string" },
  },
});

const report = await fuzz({
  seed: Number(args.seed), count: Number(args.count), concurrency: Number(args.concurrency), timeoutMs: Number(args.timeout),
  only: args.only?.split(",").map(Number),
});

const line = (f: Finding) => {
  const o = f.outcome;
  const got = o.kind === "answer" ? String(o.status) : o.kind === "hang" ? `hang (${o.phase})` : o.kind;
  return `  #${f.index} ${got} ${f.route}: ${f.what}`;
};
const byRoute = (fs: Finding[]) => [...new Set(fs.map((f) => f.route))];

console.log(`fuzz: seed ${report.seed}, ${report.sent} requests in ${report.seconds.toFixed(1)} s`);
const parsed = Object.values(report.byParser).reduce((a, b) => a + b, 0);
console.log(`the shop's answers: ${Object.entries(report.classes).sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);
console.log(`refused by Bun's HTTP parser before the shop's code: ${parsed} (${Object.entries(report.byParser).sort().map(([k, n]) => `${k} ${n}`).join(", ")})`);
console.log(`5xx from the shop: ${report.serverErrors.length} on ${byRoute(report.serverErrors).length} routes`);
for (const f of report.serverErrors) console.log(line(f));
const accepted = report.accepted;
console.log(`unsafe requests answered 2xx/3xx: ${accepted.length}`);
for (const f of accepted.slice(0, 30)) console.log(line(f));
console.log(`hangs: ${report.hangs.length}`);
for (const f of report.hangs) console.log(line(f));
console.log(`state changes: ${report.stateChanges.length}`);
for (const c of report.stateChanges) console.log(`  ${c.table}: ${c.before} -> ${c.after}`);
console.log(`error log lines: ${report.errorLogs.length}`);
for (const l of report.errorLogs.slice(0, 20)) console.log(`  ${l.slice(0, 300)}`);
console.log(`server still up: ${report.stillUp ? "yes" : "NO"}`);
const ok = report.serverErrors.length === 0 && report.hangs.length === 0 && report.stateChanges.length === 0 && report.stillUp;
process.exit(ok ? 0 : 1);
