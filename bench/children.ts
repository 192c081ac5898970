/**
 * The shop's processes as the benches run them: `bun edge/main.ts --role ...` with its output
 * kept in a log file, the warnings it logged counted, and a promise of its start.
 */
import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");

export type Child = {
  name: string;
  role: "relay" | "actors" | "edge";
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  port?: number;
  started: Promise<void>;
  /** warn/error lines the process logged, by message */
  warnings: Map<string, number>;
  tail: string[];
  log: string;
};

/** Start `bun edge/main.ts --role <role>`, its output in `logDir/<name>.log`; `started` resolves when it says so. */
export function spawnRole(role: Child["role"], name: string, env: Record<string, string>, logDir: string, profile: boolean): Child {
  const log = join(logDir, `${name}.log`);
  const prof = profile ? ["--cpu-prof-md", `--cpu-prof-dir=${logDir}`, `--cpu-prof-name=${name}.cpu.md`] : [];
  const proc = Bun.spawn([process.execPath, ...prof, "edge/main.ts", "--role", role], {
    cwd: ROOT, env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  const c: Child = { name, role, proc, started: Promise.resolve(), warnings: new Map(), tail: [], log };
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  const onLine = (line: string) => {
    appendFileSync(log, `${line}\n`);
    c.tail.push(line);
    if (c.tail.length > 50) c.tail.shift();
    if (line.includes('"saga-shop started"')) ready();
    const m = /"level":"(warn|error)","msg":"([^"]*)"/.exec(line) ?? (/^(warn|error)/i.test(line) ? [line, "warn", line.slice(0, 100)] : null);
    if (m) c.warnings.set(`${m[1]}: ${m[2]}`, (c.warnings.get(`${m[1]}: ${m[2]}`) ?? 0) + 1);
  };
  void readLines(proc.stdout, onLine);
  void readLines(proc.stderr, onLine);
  c.started = Promise.race([
    started,
    proc.exited.then((code) => {
      throw new Error(`${name} exited with code ${code} before it started`);
    }),
    Bun.sleep(90_000).then(() => {
      throw new Error(`${name} did not log "saga-shop started" within 90 s`);
    }),
  ]);
  c.started.catch(() => undefined);
  return c;
}

/** SIGTERM, then SIGKILL after 15 s. */
export async function stopChild(c: Child) {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill("SIGTERM");
  const exited = await Promise.race([c.proc.exited.then(() => true), Bun.sleep(15_000).then(() => false)]);
  if (!exited) {
    console.error(`${c.name} did not stop within 15 s of SIGTERM; killing it`);
    c.proc.kill("SIGKILL");
    await c.proc.exited;
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    }
  } catch {
    // the process went away
  }
  if (buffered) onLine(buffered);
}

/** `n` TCP ports nothing listens on right now. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() }));
  const ports = servers.map((s) => s.port!);
  for (const s of servers) await s.stop(true);
  return ports;
}

/** Resolves once `base`/healthz answers 200 (30 s at most). */
export async function healthy(base: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error(`${base}/healthz did not answer within 30 s`);
}
