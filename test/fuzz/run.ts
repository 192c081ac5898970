/**
 * A fuzz run: a shop on the embedded default (PGlite in a temporary directory) served by
 * Bun on a free port, `count` generated bad requests sent over raw connections a few at a
 * time, and the findings: answers by status class, every 5xx with its case, hangs, tables
 * changed, and whether the server still answers.
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSystem, type System } from "../../actors/system/system.ts";
import { setLogWriter } from "../../actors/runtime/log.ts";
import { createApp } from "../../edge/app.ts";
import { issueToken } from "../../edge/auth/auth.ts";
import { generateCase, type Case, type Credentials } from "./generator.ts";
import { changes, snapshot, type Change, type Snapshot } from "./snapshot.ts";
import { send, type Outcome } from "./wire.ts";

export type FuzzOptions = {
  seed: number;
  count: number;
  concurrency?: number;
  /** per request: no answer by then is a hang */
  timeoutMs?: number;
  /** replay only these cases */
  only?: number[];
  /** PGlite in memory instead of a temporary directory (quicker to start, for the short run in `bun test`) */
  inMemory?: boolean;
};

export type Finding = { index: number; route: string; what: string; outcome: Outcome };
export type FuzzReport = {
  seed: number;
  sent: number;
  /** the shop's answers by class ("2xx" ...), and "hang" for none in time */
  classes: Record<string, number>;
  /**
   * Requests Bun's HTTP parser refused before the shop's code saw them, by its status
   * (505 for a request line it cannot read, 400, 431) or "closed" when it hung up without one
   */
  byParser: Record<string, number>;
  /** the shop's own 5xx answers */
  serverErrors: Finding[];
  /** unsafe requests (POST, PATCH, DELETE) the shop took as good: each is a suspect when tables changed */
  accepted: Finding[];
  hangs: Finding[];
  stateChanges: Change[];
  /** error lines the shop logged during the run */
  errorLogs: string[];
  stillUp: boolean;
  seconds: number;
};

/** Runs the fuzz against a fresh shop and stops it. */
export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const dir = mkdtempSync(join(tmpdir(), "saga-fuzz-"));
  const errorLogs: string[] = [];
  const previous = setLogWriter((line, level) => {
    if (level === "error") errorLogs.push(line);
  });
  const sys = await startSystem({ dataDir: opts.inMemory ? undefined : join(dir, "pg") });
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const app = createApp(sys, secret);
  const server = Bun.serve({ port: 0, fetch: app.fetch, idleTimeout: 10 });
  try {
    const who = await credentials(app, secret);
    // verified, so a resend that gets through is refused (409) and writes no link
    await sys.database.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.email, "fuzz@example.com"));
    const before = await settled(sys);
    const started = performance.now();
    const findings = await sendAll(server.port!, who, opts);
    const seconds = (performance.now() - started) / 1000;
    const stillUp = await fetch(`http://127.0.0.1:${server.port}/healthz`).then((r) => r.ok, () => false);
    const after = await settled(sys);
    return summarize(opts.seed, findings, changes(before, after), errorLogs, stillUp, seconds);
  } finally {
    setLogWriter(previous);
    await server.stop(true);
    await sys.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A registered customer's access token and an admin's, as the templates present them. */
async function credentials(app: ReturnType<typeof createApp>, secret: string): Promise<Credentials> {
  const res = await app.request("/api/auth/register", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "fuzz@example.com", password: "analytical1", name: "Fuzz" }),
  });
  if (res.status !== 201) throw new Error(`could not register the fuzz customer: ${res.status} ${await res.text()}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { customer: accessToken, admin: await issueToken(secret, { sub: "fuzz-admin", role: "admin" }) };
}

/** A snapshot once the shop has finished what it was doing (two in a row agree), within 20 s. */
async function settled(sys: System): Promise<Snapshot> {
  let last = await snapshot(sys.database.db);
  for (let i = 0; i < 40; i++) {
    await Bun.sleep(500);
    const next = await snapshot(sys.database.db);
    if (changes(last, next).length === 0) return next;
    last = next;
  }
  return last;
}

async function sendAll(port: number, who: Credentials, opts: FuzzOptions): Promise<Finding[]> {
  const indexes = opts.only ?? Array.from({ length: opts.count }, (_, i) => i);
  const findings: Finding[] = [];
  let next = 0;
  const host = `127.0.0.1:${port}`;
  const worker = async () => {
    while (next < indexes.length) {
      const c: Case = generateCase(opts.seed, indexes[next++]!, host, who);
      const outcome = await send(port, c.bytes, { stream: c.stream, timeoutMs: opts.timeoutMs ?? 10_000 });
      findings.push({ index: c.index, route: c.route, what: c.what, outcome });
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return findings.sort((a, b) => a.index - b.index);
}

function summarize(seed: number, findings: Finding[], stateChanges: Change[], errorLogs: string[], stillUp: boolean, seconds: number): FuzzReport {
  const classes: Record<string, number> = {};
  const byParser: Record<string, number> = {};
  const count = (into: Record<string, number>, key: string) => void (into[key] = (into[key] ?? 0) + 1);
  for (const { outcome: o } of findings) {
    if (o.kind === "answer" && o.ours) count(classes, `${Math.floor(o.status / 100)}xx`);
    else if (o.kind === "answer") count(byParser, String(o.status));
    else if (o.kind === "closed") count(byParser, "closed");
    else count(classes, "hang");
  }
  const ours = (f: Finding) => f.outcome.kind === "answer" && f.outcome.ours;
  return {
    seed, sent: findings.length, classes, byParser,
    serverErrors: findings.filter((f) => ours(f) && f.outcome.kind === "answer" && f.outcome.status >= 500),
    accepted: findings.filter((f) => ours(f) && f.outcome.kind === "answer" && f.outcome.status < 400 && !f.route.startsWith("GET ")),
    hangs: findings.filter((f) => f.outcome.kind === "hang"),
    stateChanges, errorLogs, stillUp, seconds,
  };
}
