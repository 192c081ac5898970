/** `bun run token --role admin` or `--role customer --sub <id>`: prints a token for local use. */
import { parseArgs } from "node:util";
import { issueToken, type Role } from "./auth/auth.ts";
import { processConfigFromEnv } from "../actors/system/config.ts";
import { signingSecret } from "./auth/secret.ts";

const { values } = parseArgs({
  options: { role: { type: "string", default: "customer" }, sub: { type: "string" }, ttl: { type: "string", default: "86400" } },
});
if (values.role !== "customer" && values.role !== "admin") {
  console.error("--role must be customer or admin");
  process.exit(2);
}
const role: Role = values.role;
const sub = values.sub ?? (role === "admin" ? "admin" : "customer-1");
const config = processConfigFromEnv();
const secret = signingSecret(config.system.dataDir, config.jwtSecret);
console.log(await issueToken(secret, { sub, role }, Number(values.ttl)));
