/**
 * `bun start`: every role of the shop in one process on the embedded engines.
 * `bun edge/main.ts --role edge|actors|relay` (or ROLES=edge,relay): one role of the
 * distributed shop; DATABASE_URL, KAFKA_BROKERS and NATS_URL name the engines.
 * With METRICS_PORT, any process also serves /metrics, /healthz and /readyz there.
 */
import { parseArgs } from "node:util";
import { log } from "../actors/runtime/log.ts";
import { startSystem, type System } from "../actors/system/system.ts";
import { databaseName, processConfigFromEnv } from "../actors/system/config.ts";
import { opsRoutes } from "./http/ops.ts";
import { signingSecret } from "./auth/secret.ts";
import { CannotStart, cannotStartLine, startStep } from "../actors/runtime/startup.ts";

/**
 * Every start step waits for what it needs (a database or broker not up yet, dropped
 * connections); what waiting cannot mend - the configuration, a bad password - ends the
 * process here with one line and exit code 1.
 */
async function start() {
  const { values } = parseArgs({ options: { role: { type: "string" } }, allowPositionals: true });
  const { system: config, ...proc } = processConfigFromEnv(process.env, values.role);
  if (config.databaseUrl && !proc.jwtSecret) {
    throw new CannotStart("JWT_SECRET must be set when the shop runs on Postgres: every edge instance signs with it");
  }
  const sys = await startSystem(config);
  if (config.roles.includes("edge")) await startStep("creating the first administrator", databaseName(config), () => firstAdmin(sys, proc.admin));
  return { config, proc, sys };
}
const { config, proc, sys } = await start().catch((err: unknown) => {
  console.error(cannotStartLine(err));
  return process.exit(1);
});
// The storefront and its views load only where they serve: an actors process or a relay
// starts without them (their restart is on the saga's critical path).
const app = async () => {
  const { createApp } = await import("./app.ts");
  // TRUST_PROXY=true only behind our own proxy: it makes X-Forwarded-For and -Proto believed
  return createApp(sys, signingSecret(config.dataDir, proc.jwtSecret), { trustProxy: proc.trustProxy });
};
const server = config.roles.includes("edge") ? Bun.serve({ port: proc.port, fetch: (await app()).fetch, idleTimeout: 60 }) : null;
// the ops port, for scrapers and probes on the private network, only when asked for
const opsServer = proc.metricsPort !== undefined
  ? Bun.serve({ port: proc.metricsPort, fetch: opsRoutes({ metrics: sys.metrics, probes: sys.probes }).fetch })
  : null;

log.info("saga-shop started", {
  roles: config.roles, url: server ? `http://localhost:${server.port}` : null, ops: opsServer ? `http://localhost:${opsServer.port}` : null,
  database: config.databaseUrl ? "postgres" : config.dataDir, log: config.kafkaBrokers ? "kafka" : "database",
});
if (server && config.roles.includes("edge") && !config.databaseUrl) {
  console.log(`\n  saga-shop is running on http://localhost:${server.port}\n  shop there, or get an API token: npx bun run token --role customer --sub alice   (or --role admin)\n`);
}

/** Creates the first administrator if there is none; a generated password is shown this once. */
async function firstAdmin(sys: System, wanted: { email?: string; password?: string }) {
  const admin = await sys.accounts.ensureAdmin(wanted);
  if (!admin) return;
  log.info("first administrator created", { email: admin.email });
  if (admin.password) {
    console.log(`\n  first administrator: ${admin.email}\n  password: ${admin.password}\n  (shown only now; set ADMIN_PASSWORD before the first start to choose it)\n`);
  }
}

let stopping = false;
/** SIGTERM: stop taking requests and close SSE streams, drain the actors, commit, exit. */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info("shutting down", { signal });
  await Promise.all([server?.stop(true), opsServer?.stop(true)]);
  await sys.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
