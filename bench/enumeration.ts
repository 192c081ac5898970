/**
 * `bun run bench:enumeration`: can the answer time tell whether an email has an account?
 * Sign-in with a wrong password and a password-reset request, each --tries times for
 * addresses that have an account and as often for addresses that do not, over real HTTP
 * to the shop as its own process (`bun edge/main.ts`, every role: the embedded default on a
 * fresh PGlite on disk, or Postgres when DATABASE_URL is set), so what the shop does after
 * answering is not counted as this client's wait, as it would not be for a real one.
 * Prints p50, p90 and the mean of each and the known - unknown difference (printed, never
 * asserted: the aim is a difference of a few ms at most at p50).
 *
 * The requests of both kinds are shuffled together, one at a time, so the work a request
 * leaves behind (a reset mail on its way) falls on either kind alike. Every request comes
 * from its own client address (X-Forwarded-For behind a trusted proxy) and each account is
 * asked about less often than its budgets allow, so no limit answers instead of the shop.
 *
 *   --tries N (200)  --accounts N (80)  --warmup N (20)  --only sign-in|reset
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, launchRole } from "../test/processes.ts";
import { pct } from "./load.ts";

const { values: args } = parseArgs({
  options: {
    tries: { type: "string", default: "200" }, accounts: { type: "string", default: "80" }, warmup: { type: "string", default: "20" },
    only: { type: "string" },
  },
});
const TRIES = Number(args.tries);
const ACCOUNTS = Number(args.accounts);
const WARMUP = Number(args.warmup);
// reset mail: 3 per address per 15 minutes; failed sign-ins: 5 per account
if (Math.ceil((TRIES + WARMUP) / ACCOUNTS) > 3) throw new Error(`--accounts must be at least (tries + warmup) / 3 = ${Math.ceil((TRIES + WARMUP) / 3)}`);

const databaseUrl = process.env.DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), "saga-enumeration-"));
const port = await freePort();
const shop = launchRole("bench-enumeration-shop", "edge,actors,relay", {
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: join(dir, "pg") }),
  JWT_SECRET: crypto.randomUUID() + crypto.randomUUID(), TRUST_PROXY: "true", SEED_CATALOG: "false",
}, port);
const base = `http://127.0.0.1:${port}/api/auth`;

let clients = 0;
let shed = 0;
/**
 * POST `body` to the auth API from a client address of its own; the answer's status and
 * time in ms. A 503 (the shop shedding load on a busy machine) is retried after its
 * Retry-After, as a client would, and counted, not timed.
 */
async function post(path: string, body: unknown): Promise<{ status: number; ms: number }> {
  const n = ++clients;
  const headers = { "content-type": "application/json", "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
  for (;;) {
    const t = performance.now();
    const res = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    await res.arrayBuffer();
    const ms = performance.now() - t;
    if (res.status !== 503) return { status: res.status, ms };
    shed++;
    await Bun.sleep(1000 * Math.max(1, Number(res.headers.get("retry-after")) || 1));
  }
}

type Kind = { name: string; only: string; path: string; status: number; body(email: string): unknown };
const KINDS: Kind[] = [
  { name: "sign-in, wrong password", only: "sign-in", path: "/login", status: 401, body: (email) => ({ email, password: "not-the-password-1" }) },
  { name: "password reset request", only: "reset", path: "/forgot-password", status: 202, body: (email) => ({ email }) },
];

/** Fisher-Yates, in place. */
function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

try {
  await shop.logged("saga-shop started");
  const emails: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const email = `known-${i}-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const res = await post("/register", { email, password: "correct horse 42", firstName: "Known", lastName: `No ${i}` });
    if (res.status !== 201) throw new Error(`register: ${res.status}`);
    emails.push(email);
  }
  console.log(`enumeration: ${TRIES} tries each (after ${WARMUP} of warm-up), ${ACCOUNTS} accounts, ${databaseUrl ? "Postgres" : "PGlite on disk"}`);
  console.log(`${"".padEnd(26)}${"known p50".padStart(11)}${"unknown p50".padStart(13)}${"diff p50".padStart(10)}${"known p90".padStart(11)}${"unknown p90".padStart(13)}${"known mean".padStart(12)}${"unknown mean".padStart(14)}`);
  for (const kind of KINDS.filter((k) => args.only === undefined || k.only === args.only)) {
    let next = 0;
    const plan = shuffle([...Array(TRIES + WARMUP).fill("known"), ...Array(TRIES + WARMUP).fill("unknown")] as ("known" | "unknown")[]);
    const times = { known: [] as number[], unknown: [] as number[] };
    const seen = { known: 0, unknown: 0 };
    for (const who of plan) {
      const email = who === "known" ? emails[next++ % emails.length]! : `nobody-${crypto.randomUUID().slice(0, 12)}@example.com`;
      const { status, ms } = await post(kind.path, kind.body(email));
      if (status !== kind.status) throw new Error(`${kind.path} for a ${who} address answered ${status}, expected ${kind.status}`);
      if (++seen[who] > WARMUP) times[who].push(ms);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [k, u] = [times.known.sort((a, b) => a - b), times.unknown.sort((a, b) => a - b)];
    const f = (x: number, w: number) => x.toFixed(2).padStart(w);
    console.log(`${kind.name.padEnd(26)}${f(pct(k, 50), 11)}${f(pct(u, 50), 13)}${f(pct(k, 50) - pct(u, 50), 10)}${f(pct(k, 90), 11)}${f(pct(u, 90), 13)}${f(mean(k), 12)}${f(mean(u), 14)}`);
  }
  console.log("times in ms, per request over HTTP on this machine; the known - unknown difference at p50 should be a few ms at most");
  if (shed > 0) console.log(`${shed} requests were shed (503) and sent again after Retry-After; only the answers were timed`);
} finally {
  shop.kill();
  await shop.exited;
  rmSync(dir, { recursive: true, force: true });
}
