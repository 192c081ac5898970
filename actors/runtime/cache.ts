/**
 * Cache port for the edge: catalog and product reads, and counters shared by every edge
 * process (rate limits). In memory by default; Upstash Redis (REST) in distributed mode
 * (adapters/upstash-cache.ts).
 *
 * Values are stored as JSON text by both implementations, so they behave alike: a value
 * comes back as a copy, `undefined` fields vanish, and a string stays a string (we do not
 * let @upstash/redis guess, which would turn the string "123" into the number 123).
 */
export interface Cache {
  /** The value stored under `key`, or null when it is missing or expired. */
  get<T>(key: string): Promise<T | null>;
  /** Stores a JSON-serializable value for `ttlSeconds` (fractions allowed). */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Atomic: returns the new count; sets the expiry only when the key is new. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** Seconds until `key` expires (fractions allowed), null when it is missing or expired, Infinity when it never expires. */
  ttl(key: string): Promise<number | null>;
}

const NOT_AN_INTEGER = "ERR value is not an integer or out of range"; // Redis's words

/** In-process cache with TTL, bounded to `maxEntries` by evicting the least recently used. */
export function memoryCache(opts: { maxEntries?: number } = {}): Cache {
  const max = opts.maxEntries ?? 10_000;
  // a Map iterates in insertion order: re-inserting on every use keeps the coldest key first
  const entries = new Map<string, { json: string; expiresAt: number }>();

  const live = (key: string) => {
    const e = entries.get(key);
    if (!e) return undefined;
    entries.delete(key);
    if (e.expiresAt <= Date.now()) return undefined;
    entries.set(key, e);
    return e;
  };
  const put = (key: string, json: string, expiresAt: number) => {
    entries.delete(key);
    entries.set(key, { json, expiresAt });
    for (const oldest of entries.keys()) {
      if (entries.size <= max) break;
      entries.delete(oldest);
    }
  };

  return {
    async get(key) {
      const e = live(key);
      return e ? JSON.parse(e.json) : null;
    },
    async set(key, value, ttlSeconds) {
      put(key, toJson(value), Date.now() + ttlMs(ttlSeconds));
    },
    async del(...keys) {
      for (const key of keys) entries.delete(key);
    },
    async incr(key, ttlSeconds) {
      const e = live(key);
      if (e && !/^-?\d+$/.test(e.json)) throw new Error(NOT_AN_INTEGER);
      const count = e ? Number(e.json) + 1 : 1;
      put(key, String(count), e ? e.expiresAt : Date.now() + ttlMs(ttlSeconds));
      return count;
    },
    async ttl(key) {
      const e = live(key);
      return e ? (e.expiresAt - Date.now()) / 1000 : null;
    },
  };
}

/** A cache value as JSON text; refuses what JSON cannot carry. */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`a cache value must be JSON, got ${typeof value}`);
  return json;
}

/** A time to live in whole milliseconds; refuses what is not a positive number of seconds. */
export function ttlMs(ttlSeconds: number): number {
  if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) throw new RangeError(`ttl must be a positive number of seconds, got ${ttlSeconds}`);
  return Math.ceil(ttlSeconds * 1000);
}
