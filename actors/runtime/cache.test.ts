/**
 * One Cache contract, two implementations: in memory, and @upstash/redis talking to
 * deploy/upstash-bridge.ts in front of the real Redis at TEST_REDIS_URL (default
 * redis://127.0.0.1:6379). The bridge's own protocol is checked here too, since the cache is
 * its reason to exist. Redis tests fail, never skip, when Redis is not there.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { freePort } from "../../test/processes.ts";
import { Redis } from "@upstash/redis";
import { RedisClient } from "bun";
import { startUpstashBridge, type UpstashBridge } from "../../deploy/upstash-bridge.ts";
import { memoryCache, type Cache } from "./cache.ts";
import { upstashCache } from "./adapters/upstash-cache.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const TOKEN = crypto.randomUUID();
const PREFIX = `test:cache:${crypto.randomUUID()}:`; // every key this file writes starts with it

/** A client straight to Redis (no bridge) for setup, checks and cleanup. */
async function directRedis(url = REDIS_URL) {
  const c = new RedisClient(url, { autoReconnect: false, connectionTimeout: 2000 });
  try {
    await c.connect();
    await c.send("PING", []);
  } catch (err) {
    throw new Error(`Redis is needed at ${url} (start it with \`redis-server --daemonize yes --port 6379 --save ""\`, or set TEST_REDIS_URL): ${err}`);
  }
  return c;
}

let bridge: UpstashBridge | undefined;
let direct: RedisClient | undefined;
/** Hooks for a suite that needs the bridge (and so Redis); its tests fail if Redis is absent. */
function withBridge() {
  beforeAll(async () => {
    direct ??= await directRedis();
    bridge ??= startUpstashBridge({ port: 0, redisUrl: REDIS_URL, token: TOKEN });
  });
}
afterAll(async () => {
  const keys: string[] = (await direct?.send("KEYS", [`${PREFIX}*`])) ?? [];
  if (keys.length > 0) await direct?.send("DEL", keys);
  direct?.close();
  await bridge?.stop();
});

const each = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

function contract(name: string, open: () => Cache, hooks = () => {}) {
  describe(`${name} cache contract`, () => {
    hooks();
    test("a missing key reads as null", async () => {
      expect(await open().get("never-set")).toBeNull();
    });

    test("values round-trip as JSON: nested objects, unicode, strings that look like JSON", async () => {
      const cache = open();
      const values: Record<string, unknown> = {
        nested: { sku: "TEE-1", price: { cents: 1999, currency: "EUR" }, tags: ["a", { deep: [1, null, true] }] },
        unicode: "Grüße, 東京 ✓ 🚀 \u0000 end",
        numeric: "123",
        jsonish: '{"a":1}',
        word: "null",
        number: 42.5,
        list: [1, "two", { three: 3 }],
        no: false,
      };
      for (const [key, value] of Object.entries(values)) await cache.set(`json:${key}`, value, 60);
      for (const [key, value] of Object.entries(values)) expect(await cache.get(`json:${key}`)).toEqual(value);
      const copy = await cache.get<{ sku: string }>("json:nested");
      copy!.sku = "changed";
      expect(await cache.get("json:nested")).toEqual(values.nested);
    });

    test("a value expires after its ttl; setting again replaces value and ttl", async () => {
      const cache = open();
      await cache.set("ttl:short", "gone soon", 1);
      await cache.set("ttl:renewed", "v1", 1);
      await cache.set("ttl:renewed", "v2", 60);
      expect(await cache.get("ttl:short")).toBe("gone soon");
      await Bun.sleep(1200);
      expect(await cache.get("ttl:short")).toBeNull();
      expect(await cache.get("ttl:renewed")).toBe("v2");
    });

    test("del removes the given keys and ignores missing ones", async () => {
      const cache = open();
      await each(3, (i) => cache.set(`del:${i}`, i, 60));
      await cache.del("del:0", "del:2", "del:missing");
      await cache.del();
      expect(await each(3, (i) => cache.get(`del:${i}`))).toEqual([null, 1, null]);
    });

    test("50 concurrent incr count to 50, each caller getting its own number", async () => {
      const cache = open();
      const got = await each(50, () => cache.incr("incr:concurrent", 60));
      expect(got.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await cache.get("incr:concurrent")).toBe(50);
    });

    test("incr sets the expiry only when the key is new", async () => {
      const cache = open();
      expect(await cache.incr("incr:window", 1)).toBe(1);
      await Bun.sleep(500);
      expect(await cache.incr("incr:window", 60)).toBe(2); // must not push the window out
      await Bun.sleep(700);
      expect(await cache.get("incr:window")).toBeNull();
      expect(await cache.incr("incr:window", 1)).toBe(1);
    });

    test("ttl counts down to the expiry that set or the first incr gave; null when missing or expired", async () => {
      const cache = open();
      expect(await cache.ttl("ttl:missing")).toBeNull();
      await cache.set("ttl:set", "v", 60);
      const set = await cache.ttl("ttl:set");
      expect(set).toBeGreaterThan(59);
      expect(set).toBeLessThanOrEqual(60);
      await cache.incr("ttl:counter", 2);
      await Bun.sleep(600);
      await cache.incr("ttl:counter", 60); // a later incr keeps the window
      const left = await cache.ttl("ttl:counter");
      expect(left).toBeGreaterThan(0.9);
      expect(left).toBeLessThan(1.5);
      await cache.set("ttl:gone", "v", 0.2);
      await Bun.sleep(300);
      expect(await cache.ttl("ttl:gone")).toBeNull();
    });

    test("misuse is refused: undefined values, non-positive ttl, incr of a non-number", async () => {
      const cache = open();
      await expect(cache.set("bad:undefined", undefined, 60)).rejects.toThrow(TypeError);
      await expect(cache.set("bad:ttl", 1, 0)).rejects.toThrow(RangeError);
      await cache.set("bad:object", { n: 1 }, 60);
      await expect(cache.incr("bad:object", 60)).rejects.toThrow("not an integer");
      await cache.set("bad:int", 7, 60);
      expect(await cache.incr("bad:int", 60)).toBe(8);
    });
  });
}

contract("memory", () => memoryCache());
contract("upstash", () => upstashCache(bridge!.url, TOKEN, { prefix: PREFIX }), withBridge);

test("the memory cache keeps at most maxEntries, dropping the least recently used", async () => {
  const cache = memoryCache({ maxEntries: 3 });
  for (const key of ["a", "b", "c"]) await cache.set(key, key, 60);
  await cache.get("a"); // now b is the coldest
  await cache.set("d", "d", 60);
  expect(await each(4, (i) => cache.get("abcd"[i]!))).toEqual(["a", null, "c", "d"]);
});

describe("upstash bridge protocol", () => {
  withBridge();
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${bridge!.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const b64 = { "Upstash-Encoding": "base64" };
  const base64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  const k = (name: string) => `${PREFIX}bridge:${name}`;

  test("a bearer token is required; GET / answers OK for health checks", async () => {
    const health = await fetch(bridge!.url);
    expect([health.status, await health.text()]).toEqual([200, "OK"]);
    expect((await call("/", ["PING"], { authorization: "" })).status).toBe(401);
    expect((await call("/", ["PING"], { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect(await call("/", ["PING"])).toEqual({ status: 200, body: { result: "PONG" } });
  });

  test("with Upstash-Encoding: base64, strings at any depth are base64 of UTF-8; numbers and nil are not", async () => {
    const text = "Grüße ✓ 🚀";
    expect(await call("/", ["SET", k("enc"), text, "EX", 60], b64)).toEqual({ status: 200, body: { result: base64("OK") } });
    expect((await call("/", ["GET", k("enc")], b64)).body).toEqual({ result: base64(text) });
    expect((await call("/", ["GET", k("enc")])).body).toEqual({ result: text });
    expect((await call("/", ["GET", k("missing")], b64)).body).toEqual({ result: null });
    expect((await call("/", ["INCR", k("n")], b64)).body).toEqual({ result: 1 });
    await call("/", ["RPUSH", k("list"), "é", 5]);
    expect((await call("/", ["LRANGE", k("list"), 0, -1], b64)).body).toEqual({ result: [base64("é"), base64("5")] });
    const nested = await call("/", ["EVAL", "return {1, 'x', {'ü'}}", 0], b64);
    expect(nested.body).toEqual({ result: [1, base64("x"), [base64("ü")]] });
  });

  test("a Redis error is a 400 alone and an entry in a pipeline, which keeps going", async () => {
    await call("/", ["SET", k("word"), "abc"]);
    const alone = await call("/", ["INCR", k("word")]);
    expect(alone).toEqual({ status: 400, body: { error: "ERR value is not an integer or out of range" } });
    const piped = await call("/pipeline", [["SET", k("p"), 1], ["INCR", k("word")], ["INCR", k("p")]], b64);
    expect(piped).toEqual({
      status: 200,
      body: [{ result: base64("OK") }, { error: "ERR value is not an integer or out of range" }, { result: 2 }],
    });
  });

  test("multi-exec is all or nothing when a command is malformed, Redis-like when one fails at run time", async () => {
    const aborted = await call("/multi-exec", [["SET", k("tx"), "1"], ["SET", k("tx")]]);
    expect(aborted.status).toBe(400);
    expect(aborted.body.error).toStartWith("EXECABORT");
    expect((await call("/", ["EXISTS", k("tx")])).body).toEqual({ result: 0 });
    await call("/", ["SET", k("word2"), "abc"]);
    const ran = await call("/multi-exec", [["SET", k("tx"), "1"], ["INCR", k("word2")], ["INCR", k("tx")]]);
    expect(ran.body).toEqual([{ result: "OK" }, { error: "ERR value is not an integer or out of range" }, { result: 2 }]);
  });

  test("commands that would change the shared connection are refused", async () => {
    for (const command of [["HELLO", "3"], ["SELECT", "1"], ["MULTI"], ["BLPOP", k("q"), 0], ["SUBSCRIBE", "x"]]) {
      expect(await call("/", command)).toEqual({ status: 400, body: { error: `ERR Command is not allowed: ${command[0]}` } });
    }
    expect((await call("/", ["PING"])).body).toEqual({ result: "PONG" }); // still RESP2, still db 0
  });

  test("@upstash/redis sees RESP2 shapes, as from Upstash: hashes, scores, transactions", async () => {
    const redis = new Redis({ url: bridge!.url, token: TOKEN, enableTelemetry: false });
    await redis.hset(k("hash"), { a: 1, b: "two", c: { d: [1, 2] } });
    expect(await redis.hgetall(k("hash"))).toEqual({ a: 1, b: "two", c: { d: [1, 2] } });
    await redis.zadd(k("z"), { score: 1.5, member: "m" }, { score: 2, member: "n" });
    expect(await redis.zrange(k("z"), 0, -1, { withScores: true })).toEqual(["m", 1.5, "n", 2]);
    expect(await redis.multi().incr(k("c")).pexpire(k("c"), 60_000, "NX").get(k("c")).exec()).toEqual([1, 1, 1]);
  });

  test("the bridge reconnects when Redis comes back, answering 503 meanwhile", async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    const own = startUpstashBridge({ port: 0, redisUrl: `redis://127.0.0.1:${port}`, token: TOKEN });
    const ping = async () => {
      const res = await fetch(own.url, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: '["PING"]' });
      return res.status;
    };
    let again: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      expect(await ping()).toBe(200);
      server.kill();
      await server.exited;
      expect(await ping()).toBe(503);
      again = await startRedisServer(port);
      expect(await ping()).toBe(200);
    } finally {
      await own.stop();
      server.kill();
      again?.kill();
    }
  }, 20_000);
});

/** A private redis-server we may stop, so the shared one stays up for everyone else. */
async function startRedisServer(port: number) {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const proc = Bun.spawn(["redis-server", ...args], { stdout: "ignore", stderr: "ignore" });
  const until = Date.now() + 5000;
  for (;;) {
    const c = await directRedis(`redis://127.0.0.1:${port}`).catch(() => undefined);
    if (c) return c.close(), proc;
    if (proc.exitCode !== null || Date.now() > until) {
      proc.kill();
      throw new Error(`redis-server did not start on port ${port} (is it on PATH?)`);
    }
    await Bun.sleep(20);
  }
}
