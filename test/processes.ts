/** Runs shop roles as separate OS processes for the multi-process tests. */
import { mkdirSync, openSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { join } from "node:path";

export type ShopProcess = { name: string; proc: ReturnType<typeof Bun.spawn>; port?: number; kill(signal?: number): void; exited: Promise<number> };

const ROOT = join(import.meta.dir, "..");
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** Start `bun edge/main.ts --role <role>`, logging to test-artifacts/<name>.log; resolves once it says it started. */
export async function spawnRole(name: string, role: string, env: Record<string, string>, port?: number): Promise<ShopProcess> {
  const p = launchRole(name, role, env, port);
  await p.logged("saga-shop started");
  return p;
}

export type LaunchedProcess = ShopProcess & {
  /** everything it logged so far */
  output(): Promise<string>;
  /** resolves once its log holds `text`; rejects if it exits first or 60 s pass */
  logged(text: string): Promise<void>;
};

/** Start `bun edge/main.ts --role <role>` without waiting for it, logging to test-artifacts/<name>.log. */
export function launchRole(name: string, role: string, env: Record<string, string>, port?: number): LaunchedProcess {
  mkdirSync(ARTIFACTS, { recursive: true });
  const logFile = join(ARTIFACTS, `${name}.log`);
  const out = openSync(logFile, "w");
  const proc = Bun.spawn([process.execPath, "edge/main.ts", "--role", role], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...(port ? { PORT: String(port) } : {}) },
    stdout: out,
    stderr: out,
  });
  const output = () => Bun.file(logFile).text();
  return {
    name, proc, port, kill: (s = 15) => proc.kill(s), exited: proc.exited, output,
    async logged(text) {
      const deadline = Date.now() + 60_000;
      while (!(await output()).includes(text)) {
        if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode} before logging "${text}": ${await output()}`);
        if (Date.now() > deadline) throw new Error(`${name} did not log "${text}" in time; see ${logFile}`);
        await Bun.sleep(100);
      }
    },
  };
}

/** A TCP proxy on `port` to `target`, for a server that appears only when the test says; resolves once it listens. */
export async function tcpProxy(port: number, target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  return {
    stop: () => new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    }),
  };
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
