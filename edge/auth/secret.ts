/**
 * The token signing secret: JWT_SECRET when set, otherwise a random one created on first
 * start and kept beside the data (never in the repository).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The secret tokens are signed with: the one given, or the one kept beside the data. */
export function signingSecret(dataDir: string | undefined, given?: string): string {
  if (given) {
    if (given.length < 32) throw new Error("JWT_SECRET must be at least 32 characters");
    return given;
  }
  if (!dataDir) return crypto.randomUUID() + crypto.randomUUID();
  const file = join(dirname(dataDir), "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
