/**
 * This machine's Postgres yardstick: `pgbench -N` (simple update: 3 writes and a select per
 * transaction, one commit each) against a scratch database, which is dropped afterwards.
 */
import { freshPostgres } from "../test/engines.ts";

export type PgbenchResult = { tps: number; latencyMs: number; clients: number; threads: number; seconds: number };

export async function runPgbench(opts: { seconds: number; clients?: number; threads?: number; onScratch?(drop: () => Promise<void>): void }): Promise<PgbenchResult> {
  const clients = opts.clients ?? 8;
  const threads = opts.threads ?? 2;
  if (!Bun.which("pgbench")) throw new Error("pgbench is not installed (apt-get install -y postgresql-client)");
  const scratch = await freshPostgres();
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= scratch.drop());
  opts.onScratch?.(drop);
  try {
    await pgbench(["-i", "-s", "1", "-q", scratch.url]);
    const out = await pgbench(["-N", "-c", String(clients), "-j", String(threads), "-T", String(opts.seconds), scratch.url]);
    const tps = /tps = ([\d.]+)/.exec(out);
    if (!tps) throw new Error(`pgbench printed no "tps = ...":\n${out}`);
    const latency = /latency average = ([\d.]+) ms/.exec(out);
    return { tps: Number(tps[1]), latencyMs: Number(latency?.[1] ?? NaN), clients, threads, seconds: opts.seconds };
  } finally {
    await drop();
  }
}

async function pgbench(args: string[]): Promise<string> {
  const p = Bun.spawn(["pgbench", ...args], { stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([p.exited, new Response(p.stdout).text(), new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`pgbench ${args.slice(0, -1).join(" ")} exited with ${code}:\n${err}${out}`);
  return out + err;
}
