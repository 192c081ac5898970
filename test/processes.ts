/** Runs shop roles as separate OS processes for the multi-process tests. */
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";

export type ShopProcess = { name: string; proc: ReturnType<typeof Bun.spawn>; port?: number; kill(signal?: number): void; exited: Promise<number> };

const ROOT = join(import.meta.dir, "..");
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** Start `bun edge/main.ts --role <role>`, logging to test-artifacts/<name>.log; resolves once it says it started. */
export async function spawnRole(name: string, role: string, env: Record<string, string>, port?: number): Promise<ShopProcess> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const logFile = join(ARTIFACTS, `${name}.log`);
  const out = openSync(logFile, "w");
  const proc = Bun.spawn([process.execPath, "edge/main.ts", "--role", role], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...(port ? { PORT: String(port) } : {}) },
    stdout: out,
    stderr: out,
  });
  const p: ShopProcess = { name, proc, port, kill: (s = 15) => proc.kill(s), exited: proc.exited };
  const deadline = Date.now() + 60_000;
  while (!(await Bun.file(logFile).text()).includes("saga-shop started")) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}: ${await Bun.file(logFile).text()}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start in time; see ${logFile}`);
    await Bun.sleep(100);
  }
  return p;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
