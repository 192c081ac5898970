/**
 * The saga bench's scenarios beyond one steady rate, for the embedded and the distributed
 * shop alike (bench/saga.ts and bench/distributed.ts start the shop and hand it over):
 *
 *   --find-capacity  ramp the offered rate in steps of --duration seconds; the capacity is the
 *                    highest rate that held (every order accepted at once and finished, p99
 *                    POST -> final < 1 s, >= 95% of the rate finished during the step)
 *   --overload       offer twice the capacity (--rate, or the one just found) for 30 s, then
 *                    half of it for 10 s: accepted, shed (503) and latency per phase, and
 *                    every accepted order final exactly once (read from the database)
 *   --hot            every order is one unit of one of the same 3 SKUs, whose stock is
 *                    limited: the stock must sell out exactly and never go negative
 */
import { FINAL, pct, type LoadOptions, type LoadResult } from "./load.ts";
import type { PgbenchResult } from "./pgbench.ts";

/** The shop under test, as the scenarios reach it. */
export type Target = {
  bases: string[];
  tokens: string[];
  /** every SKU on sale; --hot takes the first 3 */
  skus: string[];
  /** run a load whose `onView` sees every view on `orders.all` */
  load(opts: LoadOptions): Promise<LoadResult>;
  /** one statement against the shop's database */
  query<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
};

export type ScenarioOptions = {
  findCapacity: boolean;
  overload: boolean;
  hot: boolean;
  /** the first rate of the ramp, or the capacity --overload starts from */
  rate: number;
  /** seconds per ramp step, or of the --hot run */
  durationS: number;
  drainS: number;
  pgbench: PgbenchResult | null;
  mode: string;
};

export const HOT_SKUS = 3;
export const ACCEPTED_P99_MS = { capacity: 1_000, overload: 2_000 };

export const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "-");
export const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
export const line = (label: string, value: string) => console.log(`  ${label.padEnd(19)}${value}`);

/** Latencies of completions, sorted: from the accepted POST (or from the first try) to the final status. */
export function latencies(r: LoadResult, from: "accepted" | "firstTry", phase?: number): number[] {
  return r.completions.filter((c) => phase === undefined || c.phase === phase)
    .map((c) => c.final - (from === "accepted" ? c.postStart : c.firstTry)).sort((a, b) => a - b);
}

export const spread = (xs: number[]) => `p50 ${f0(pct(xs, 50))} / p99 ${f0(pct(xs, 99))} / max ${f0(xs.at(-1) ?? NaN)} ms`;

/** Every accepted order is in the database once, in a final status; the orders nobody was told of. */
export async function checkFinal(t: Target, r: LoadResult, since: Date): Promise<{ ok: boolean; text: string }> {
  const ids = [...new Set(r.acceptedIds)];
  const rows = await t.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM ordering.orders WHERE id = ANY($1::text[]) GROUP BY status ORDER BY status`, [ids]);
  const found = rows.reduce((a, x) => a + x.n, 0);
  const notFinal = rows.filter((x) => !FINAL.has(x.status)).reduce((a, x) => a + x.n, 0);
  const [unknown] = await t.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ordering.orders WHERE created_at >= $2::text::timestamptz AND NOT (id = ANY($1::text[]))`, [ids, since.toISOString()]);
  const ok = found === ids.length && notFinal === 0 && ids.length === r.accepted && r.finished === r.accepted;
  return {
    ok,
    text: `${ids.length} accepted, ${found} in the database (${rows.map((x) => `${x.status} ${x.n}`).join(", ")}), ` +
      `${notFinal} not final, ${ids.length - found} missing, ${r.accepted - r.finished} without a final status seen; ` +
      `${unknown?.n ?? 0} written for a client that gave up${ok ? "" : "  <-- LOST OR STUCK"}`,
  };
}

/** pgbench -N and the ratio of `rate` to it. */
export function yardstick(pg: PgbenchResult | null, rate: number, what: string) {
  if (!pg) return line("pgbench -N", "not measured (--pgbench 0, or no pgbench)");
  line("pgbench -N", `${f0(pg.tps)} TPS (${pg.clients} clients, ${pg.threads} threads, ${pg.seconds} s; scale 1)`);
  line("ratio", `${what} : pgbench TPS = ${f1(rate)} : ${f0(pg.tps)} = ${(rate / pg.tps).toFixed(4)}`);
}
