/**
 * The cache port on Upstash Redis, or anything speaking its REST protocol. Values are JSON
 * text, as in the memory cache, so both behave alike (see ../cache.ts).
 */
import { Redis } from "@upstash/redis";
import { toJson, ttlMs, type Cache } from "../cache.ts";

/** Cache on Upstash Redis (or anything speaking its REST protocol); `prefix` namespaces keys. */
export function upstashCache(url: string, token: string, opts: { prefix?: string } = {}): Cache {
  const redis = new Redis({ url, token, automaticDeserialization: false, enableTelemetry: false });
  const k = (key: string) => `${opts.prefix ?? ""}${key}`;

  return {
    async get(key) {
      const raw = await redis.get<string>(k(key));
      return raw === null ? null : JSON.parse(raw);
    },
    async set(key, value, ttlSeconds) {
      await redis.set(k(key), toJson(value), { px: ttlMs(ttlSeconds) });
    },
    async del(...keys) {
      if (keys.length > 0) await redis.del(...keys.map(k));
    },
    async incr(key, ttlSeconds) {
      // one MULTI: a counter can never be left without its expiry (INCR alone creates it bare)
      const [count] = await redis.multi().incr(k(key)).pexpire(k(key), ttlMs(ttlSeconds), "NX").exec();
      if (typeof count !== "number") throw new Error(`INCR answered ${JSON.stringify(count)}`);
      return count;
    },
    async ttl(key) {
      // PTTL: -2 when the key is missing, -1 when it has no expiry (never written by this port)
      const ms = await redis.pttl(k(key));
      return ms === -2 ? null : ms === -1 ? Infinity : ms / 1000;
    },
  };
}
