/**
 * Upstash's REST protocol in front of a real Redis, so `@upstash/redis` (the distributed cache
 * adapter) runs against stock Redis 7 in tests and in compose, without Upstash.
 *
 *   POST /            ["SET","k","v","EX",10]  -> {"result": ...}  or 400 {"error": "..."}
 *   POST /pipeline    [[...], [...]]           -> [{"result"} | {"error"}, ...]
 *   POST /multi-exec  same body, atomic        -> same; a queue-time error aborts all (400)
 *   GET  /            health                   -> 200 OK (no token needed)
 *
 * `Authorization: Bearer <token>` is required (else 401). With `Upstash-Encoding: base64`
 * (which @upstash/redis sends by default) every string in a result, at any depth, is the
 * base64 of its UTF-8 bytes; numbers and null stay as they are, and errors are never encoded.
 * Replies keep RESP2's shapes like Upstash's (HGETALL is a flat array, a score is a string):
 * Bun's client speaks RESP3, so each connection switches back with HELLO 2.
 *
 * Run as a script: PORT, REDIS_URL, UPSTASH_REDIS_REST_TOKEN.
 */
import { RedisClient } from "bun";
import { timingSafeEqual } from "node:crypto";

export type UpstashBridge = { url: string; stop(): Promise<void> };
type Command = [string, ...string[]];
type Entry = { result: unknown } | { error: string };

/** Commands that would change the state of a shared connection (or block it) for everyone. */
const REFUSED = new Set(
  ("HELLO SELECT AUTH QUIT RESET MONITOR SYNC PSYNC MULTI EXEC DISCARD WATCH UNWATCH SUBSCRIBE PSUBSCRIBE " +
    "SSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE SUNSUBSCRIBE BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX " +
    "BZMPOP XREAD XREADGROUP WAIT WAITAOF CLIENT").split(" "),
);

/** Starts the bridge; `port: 0` picks a free port (see `url`). */
export function startUpstashBridge(opts: { port: number; redisUrl: string; token: string }): UpstashBridge {
  if (!opts.token) throw new Error("upstash bridge: a token is required");
  const redis = connections(opts.redisUrl);
  const expected = Buffer.from(`Bearer ${opts.token}`);

  const server = Bun.serve({
    port: opts.port,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (req.method === "GET" && path === "/") return new Response("OK");
      const auth = Buffer.from(req.headers.get("authorization") ?? "");
      if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) return json(401, { error: "Unauthorized" });
      if (req.method !== "POST") return json(405, { error: "ERR only POST is supported" });
      const base64 = req.headers.get("upstash-encoding")?.toLowerCase() === "base64";
      const body: unknown = await req.json().catch(() => undefined);
      try {
        if (path === "/") {
          const command = parseCommand(body);
          if (typeof command === "string") return json(400, { error: command });
          const [entry] = await run(await redis.shared(), [command], base64);
          return json("error" in entry! ? 400 : 200, entry);
        }
        if (path === "/pipeline" || path === "/multi-exec") {
          const commands = Array.isArray(body) && body.length > 0 ? body.map(parseCommand) : ["ERR expected an array of commands"];
          const bad = commands.find((c) => typeof c === "string");
          if (typeof bad === "string") return json(400, { error: bad });
          const valid = commands.filter((c) => typeof c !== "string");
          if (path === "/pipeline") return json(200, await run(await redis.shared(), valid, base64));
          const entries = await redis.dedicated((c) => transaction(c, valid, base64));
          return "error" in entries ? json(400, entries) : json(200, entries);
        }
        return json(404, { error: "ERR unknown endpoint" });
      } catch (err) {
        // not a Redis answer: the connection to Redis failed
        return json(503, { error: `ERR redis unavailable: ${err instanceof Error ? err.message : err}` });
      }
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    async stop() {
      await server.stop(true);
      redis.close();
    },
  };
}

/** A command array from the wire, or the error message for a malformed one. */
function parseCommand(raw: unknown): Command | string {
  if (!Array.isArray(raw) || raw.length === 0) return "ERR a command is a non-empty JSON array";
  const parts: string[] = [];
  for (const part of raw) {
    if (typeof part === "string") parts.push(part);
    else if (typeof part === "number" || typeof part === "boolean") parts.push(String(part));
    else return "ERR command arguments must be strings or numbers";
  }
  const [name, ...args] = parts;
  if (REFUSED.has(name!.toUpperCase())) return `ERR Command is not allowed: ${name}`;
  return [name!, ...args];
}

/** Sends every command at once (one pipelined round trip) and answers in order. */
async function run(c: RedisClient, commands: Command[], base64: boolean): Promise<Entry[]> {
  const settled = await Promise.allSettled(commands.map(([name, ...args]) => c.send(name, args)));
  return settled.map((s) => (s.status === "fulfilled" ? { result: encode(s.value, base64) } : { error: redisError(s.reason) }));
}

/** MULTI/EXEC on a connection nobody else is using, so no other request lands inside it. */
async function transaction(c: RedisClient, commands: Command[], base64: boolean): Promise<Entry[] | { error: string }> {
  const sent = [c.send("MULTI", [])];
  for (const [name, ...args] of commands) sent.push(c.send(name, args));
  sent.push(c.send("EXEC", []));
  const settled = await Promise.allSettled(sent);
  const exec = settled.at(-1)!;
  if (exec.status === "rejected") {
    const cause = settled.find((s) => s.status === "rejected" && s !== exec);
    const detail = cause?.status === "rejected" ? `: ${redisError(cause.reason)}` : "";
    return { error: `${redisError(exec.reason).replace(/\.$/, "")}${detail}` };
  }
  if (!Array.isArray(exec.value)) return { error: "ERR transaction was aborted" };
  // EXEC answers one reply per command; a command that failed at run time is an Error in it
  return exec.value.map((v) => (v instanceof Error ? { error: v.message } : { result: encode(v, base64) }));
}

/** A Redis error reply's message; anything else (a broken connection) is rethrown. */
function redisError(err: unknown): string {
  if (err instanceof Error && "code" in err && err.code === "ERR_REDIS_SERVER_ERROR") return err.message;
  throw err;
}

/** RESP2 reply -> JSON, base64-encoding strings like Upstash when asked to. */
function encode(v: unknown, base64: boolean): unknown {
  if (typeof v === "string") return base64 ? Buffer.from(v, "utf8").toString("base64") : v;
  if (Array.isArray(v)) return v.map((x) => encode(x, base64));
  if (v instanceof Error) return v.message; // an error nested in a script's array reply
  return v ?? null;
}

const json = (status: number, body: unknown) => Response.json(body, { status });

/** One shared pipelined connection, plus a small pool of private ones for transactions. */
function connections(url: string) {
  let current: RedisClient | undefined;
  let opening: Promise<RedisClient> | undefined;
  const idle: RedisClient[] = [];

  async function open() {
    // our own reconnects, so that no command ever runs before HELLO 2
    const c = new RedisClient(url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: 5000 });
    await c.connect();
    await c.send("HELLO", ["2"]);
    return c;
  }

  return {
    async shared() {
      if (current?.connected) return current;
      current?.close();
      opening ??= open().finally(() => (opening = undefined));
      return (current = await opening);
    },
    async dedicated<T>(fn: (c: RedisClient) => Promise<T>): Promise<T> {
      let c = idle.pop();
      while (c && !c.connected) c = idle.pop();
      c ??= await open();
      try {
        return await fn(c);
      } finally {
        if (c.connected && idle.length < 8) idle.push(c);
        else c.close();
      }
    },
    close() {
      current?.close();
      for (const c of idle.splice(0)) c.close();
    },
  };
}

if (import.meta.main) {
  const token = process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!token) throw new Error("set UPSTASH_REDIS_REST_TOKEN");
  const bridge = startUpstashBridge({
    port: Number(process.env.PORT ?? 8079),
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    token,
  });
  console.log(`upstash bridge listening on ${bridge.url}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => bridge.stop().then(() => process.exit(0)));
}
