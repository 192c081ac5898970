/** `bun start`: every role of the shop in one process on the embedded engines. */
import { startSystem } from "../actors/system.ts";
import { createApp } from "./app.ts";
import { configFromEnv } from "./config.ts";
import { signingSecret } from "./secret.ts";

const config = configFromEnv();
const sys = await startSystem(config);
const app = createApp(sys, signingSecret(config.dataDir));
const port = Number(process.env.PORT ?? 3000);
const server = Bun.serve({ port, fetch: app.fetch, idleTimeout: 60 });

console.log(JSON.stringify({ level: "info", msg: "saga-shop started", url: `http://localhost:${server.port}`, dataDir: config.dataDir }));
console.log(`\n  saga-shop is running on http://localhost:${server.port}\n  get a token: npx bun run token --role customer --sub alice   (or --role admin)\n`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ level: "info", msg: "shutting down", signal }));
  await server.stop();
  await sys.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
