/**
 * The distributed shop for a chaos run, on this machine: the Kafka mock cluster (3 brokers),
 * a fresh Postgres database, NATS (already running), the provider service with its faults,
 * one relay, `actors` actors processes and `edges` edges. Every process is supervised: one
 * the run kills is started again at once; one that dies unasked is recorded (and started
 * again, so the run goes on). `targets` are the faults the schedule can make.
 */
import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { TOPICS } from "../../actors/contracts/index.ts";
import { GROUP } from "../../actors/system/actors.ts";
import { startKafkaMock, type KafkaMock } from "../../deploy/kafka-mock/index.ts";
import type { ProviderFaults } from "../../deploy/provider-faults.ts";
import { freshPostgres, NATS_URL } from "../../test/engines.ts";
import { freePorts, healthy, spawnRole, type Child } from "../children.ts";
import { pidsNamed } from "../procs.ts";
import { COORDINATOR, type Targets } from "./faults.ts";
import type { Death, FaultEvent, LedgerRow, ParcelRow } from "./invariants.ts";

export type ShopOptions = {
  logDir: string;
  actors: number;
  edges: number;
  partitions: number;
  providerFaults: ProviderFaults;
  /** the shop's settings that differ from its defaults (HANDLING_TIME_MS, STEP_TIMEOUT_MS, ...) */
  env: Record<string, string>;
  /** restarts and other things the shop reports on its own */
  note(e: FaultEvent): void;
};

type Member = { name: string; role: Child["role"]; env: Record<string, string>; child: Child; restarting: boolean };

const ROOT = resolve(import.meta.dir, "../..");

/** Starts everything; on failure stops what started and throws. */
export async function startShop(o: ShopOptions) {
  const cleanups: (() => Promise<unknown>)[] = [];
  const deaths: Death[] = [];
  const members: Member[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => console.error(`[chaos] cleanup failed: ${err}`));
  };
  try {
    const mock: KafkaMock = await startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions: o.partitions })) });
    cleanups.push(() => mock.stop());
    // A real cluster moves a group's coordinator off a broker that is down; the mock never does,
    // and members it expires meanwhile come back under ids it may have handed to others (they
    // are memory addresses), which aborts it. So the group's coordinator is broker 1, which
    // the brokerDown fault spares (see faults.ts).
    await mock.setCoordinator(GROUP, COORDINATOR);
    const mockPid = pidsNamed("mock-cluster", process.pid)[0];
    // No fault stops the cluster: if it dies, say when and what it printed (librdkafka aborts on a failed assertion).
    void mock.exited.then((why) => {
      if (stopping) return;
      deaths.push({ name: "kafka-mock", at: Date.now(), code: null, signal: null });
      console.error(`[chaos] ${new Date().toISOString().slice(11, 23)} the Kafka mock died: ${why.message}`);
    });
    const db = await freshPostgres();
    cleanups.push(() => db.drop());
    // Named, so terminating the shop's backends spares the run's own connection.
    const sql = postgres(db.url, { max: 4, onnotice: () => {}, connect_timeout: 5, connection: { application_name: "chaos-run" } });
    cleanups.push(() => sql.end({ timeout: 2 }));

    const [providerPort, ...edgePorts] = await freePorts(1 + o.edges);
    const provider = startProvider(providerPort!, o.providerFaults, join(o.logDir, "provider.log"), (code, signal) => {
      if (!stopping) deaths.push({ name: "provider", at: Date.now(), code, signal });
    });
    cleanups.push(async () => (provider.kill("SIGTERM"), await provider.exited));
    const providerUrl = `http://127.0.0.1:${providerPort}`;
    await until(() => fetch(`${providerUrl}/faults`).then((r) => r.ok, () => false), 30_000, "the provider service to answer");

    const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url");
    const env: Record<string, string> = {
      DATABASE_URL: db.url, KAFKA_BROKERS: mock.bootstrap.join(","), NATS_URL, JWT_SECRET: secret, PROVIDERS_URL: providerUrl,
      PARTITIONS: String(o.partitions), KAFKA_SESSION_TIMEOUT_MS: "3000", SEED_CATALOG: "true", KAFKAJS_NO_PARTITIONER_WARNING: "1",
      ...o.env,
    };

    const watch = (m: Member, c: Child) => void c.proc.exited.then(() => {
      if (m.child !== c || m.restarting || stopping) return;
      deaths.push({ name: m.name, at: Date.now(), code: c.proc.exitCode, signal: c.proc.signalCode === null ? null : String(c.proc.signalCode) });
      void restart(m);
    });
    const restart = async (m: Member) => {
      m.restarting = true;
      const t = Date.now();
      for (;;) {
        if (stopping) return;
        m.child = spawnRole(m.role, m.name, m.env, o.logDir, false);
        try {
          await m.child.started;
          break;
        } catch (err) {
          o.note({ at: Date.now(), kind: "restart failed", detail: `${m.name}: ${err}` });
          // one that never said it started is still running: gone before the next, or it outlives the run
          m.child.proc.kill("SIGKILL");
          await m.child.proc.exited;
        }
      }
      o.note({ at: Date.now(), kind: "restarted", detail: `${m.name} back as pid ${m.child.proc.pid} after ${((Date.now() - t) / 1000).toFixed(1)} s` });
      watch(m, m.child);
      m.restarting = false;
    };
    const start = (role: Child["role"], name: string, extra: Record<string, string> = {}) => {
      const m: Member = { name, role, env: { ...env, ...extra }, child: spawnRole(role, name, { ...env, ...extra }, o.logDir, false), restarting: false };
      members.push(m);
      watch(m, m.child);
      return m;
    };
    // The run is over when this runs: nothing is left to drain, and the database goes next.
    cleanups.push(() => Promise.all(members.map(async (m) => (m.child.proc.kill("SIGKILL"), await m.child.proc.exited))));
    await start("relay", "relay").child.started; // it migrates and seeds
    const started = [
      // as in compose.yaml: a restarted actors process leaves the group for its killed run at once
      ...Array.from({ length: o.actors }, (_, i) => start("actors", `actors-${i + 1}`, { KAFKA_MEMBER_FILE: join(o.logDir, `actors-${i + 1}.member`) })),
      ...edgePorts.map((port, i) => start("edge", `edge-${i + 1}`, { PORT: String(port) })),
    ];
    await Promise.all(started.map((m) => m.child.started));
    const bases = edgePorts.map((p) => `http://127.0.0.1:${p}`);
    await Promise.all(bases.map(healthy));

    const targets: Targets = {
      async kill(role, index) {
        const m = members.filter((x) => x.role === role)[index];
        if (!m) throw new Error(`no ${role} process ${index}`);
        if (m.restarting) return null;
        m.restarting = true;
        const pid = m.child.proc.pid;
        m.child.proc.kill("SIGKILL");
        await m.child.proc.exited;
        void restart(m);
        return `kill -9 ${m.name} (pid ${pid})`;
      },
      brokerDown: async (b) => (await mock.brokerDown(b), `broker ${b} down`),
      brokerUp: async (b) => (await mock.brokerUp(b), `broker ${b} up`),
      async terminateBackends(share) {
        const rows = await sql<{ pid: number }[]>`
          SELECT pg_terminate_backend(pid), pid FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'chaos-run'
            AND backend_type = 'client backend' AND random() < ${share}`;
        return `terminated ${rows.length} Postgres backends of the shop`;
      },
      kafkaErrors: async (api, code, count) => (await mock.requestErrors(api, code, count), `next ${count} ${api} requests fail with Kafka error ${code}`),
    };

    const providerGet = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${providerUrl}${path}`);
      if (!res.ok) throw new Error(`GET ${providerUrl}${path} answered ${res.status}`);
      return (await res.json()) as T;
    };
    return {
      bases, secret, sql, targets, deaths,
      children: () => members.map((m) => m.child),
      /** Processes that ought to be running and are not, or are still starting again (the mock, which no fault kills, included). */
      missing: () => [
        ...members.filter((m) => m.restarting || m.child.proc.exitCode !== null).map((m) => m.name),
        ...(mockPid && pidsNamed("mock-cluster", process.pid).includes(mockPid) ? [] : ["kafka-mock"]),
      ],
      ledger: () => providerGet<LedgerRow[]>("/ledger"),
      parcels: () => providerGet<ParcelRow[]>("/shipments"),
      providerFaults: () => providerGet<{ done: { delayed: number; twice: number; lost: number; lostKeys: string[] } }>("/faults"),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
export type Shop = Awaited<ReturnType<typeof startShop>>;

/** The provider service as a process of its own, like a real processor and carrier. */
function startProvider(port: number, faults: ProviderFaults, log: string, died: (code: number | null, signal: string | null) => void) {
  const proc = Bun.spawn([process.execPath, "deploy/provider-sim.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), PROVIDER_FAULTS: Object.entries(faults).map(([k, v]) => `${k}=${v}`).join(",") },
    stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      for await (const chunk of stream) appendFileSync(log, chunk);
    })().catch(() => undefined);
  }
  void proc.exited.then(() => died(proc.exitCode, proc.signalCode === null ? null : String(proc.signalCode)));
  return proc;
}

async function until(ok: () => Promise<boolean>, ms: number, what: string) {
  for (const end = Date.now() + ms; !(await ok()); await Bun.sleep(100)) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
}
