/**
 * Sign-in throttling, two budgets per 15 minutes: 5 failed attempts per account (its
 * lowercased email), and 50 per client IP - higher, so a shop or office behind one NAT keeps
 * signing in while one guesser (a password sprayer trying many accounts) is still stopped.
 * After a budget is spent, every attempt is refused, even one with the right
 * password, until the window opened by the first failure ends. The counters live in the
 * Cache port, so in distributed mode every edge instance counts against the same ones.
 *
 * The count is checked before the password and raised after a failure, so attempts that
 * are already in flight when the limit is reached still finish: a client gets at most its
 * own concurrency in extra guesses, once per window.
 */
import type { Cache } from "../runtime/cache.ts";

/** `maxFailures` per account; `maxIpFailures` per client address (default: the account's budget). */
export type LimitOptions = { maxFailures: number; maxIpFailures?: number; windowSeconds: number };
export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };
/** A sign-in under the limit: refused before trying, failed, or the signed-in value. */
export type Attempt<T> = { kind: "limited"; retryAfterSeconds: number } | { kind: "failed" } | { kind: "ok"; value: T };

export const LOGIN_LIMIT: LimitOptions = { maxFailures: 5, maxIpFailures: 50, windowSeconds: 15 * 60 };
/** What the edge calls a client whose address it cannot tell (see edge/http/client-ip.ts). */
export const UNKNOWN_IP = "unknown";

/** Failed sign-in counters per account and per IP, in the Cache port. */
export class LoginLimiter {
  constructor(private cache: Cache, private opts: LimitOptions = LOGIN_LIMIT) {}

  /** Whether an attempt may go ahead; when not, the whole seconds until it may. */
  async check(email: string, ip: string): Promise<LimitVerdict> {
    const keys = keysOf(email, ip);
    const counts = await Promise.all(keys.map((key) => this.cache.get(key)));
    const full = keys.filter((key, i) => {
      const n = counts[i];
      const budget = key === accountKey(email) ? this.opts.maxFailures : this.opts.maxIpFailures ?? this.opts.maxFailures;
      return typeof n === "number" && n >= budget;
    });
    if (full.length === 0) return { allowed: true };
    const left = await Promise.all(full.map((key) => this.cache.ttl(key)));
    const seconds = left.map((t) => Math.ceil(Math.min(t ?? 1, this.opts.windowSeconds)));
    return { allowed: false, retryAfterSeconds: Math.max(1, ...seconds) };
  }

  /** Runs `login` unless the account or the IP is over the limit, and counts the outcome. */
  async attempt<T>(email: string, ip: string, login: () => Promise<T | null>): Promise<Attempt<T>> {
    const verdict = await this.check(email, ip);
    if (!verdict.allowed) return { kind: "limited", retryAfterSeconds: verdict.retryAfterSeconds };
    const value = await login();
    if (value === null) {
      await this.failed(email, ip);
      return { kind: "failed" };
    }
    await this.succeeded(email);
    return { kind: "ok", value };
  }

  /** Counts a failed attempt against the account and the IP. */
  async failed(email: string, ip: string): Promise<void> {
    await Promise.all(keysOf(email, ip).map((key) => this.cache.incr(key, this.opts.windowSeconds)));
  }

  /** Clears the account's count; the IP's stays, or one good password would unlock a guessing client. */
  async succeeded(email: string): Promise<void> {
    await this.cache.del(accountKey(email));
  }
}

const accountKey = (email: string) => `login:failed:account:${email.trim().toLowerCase()}`;

/**
 * The account's key, and the IP's when the address is known: an unknown address would put
 * every such client in one bucket, where five typos anywhere would lock everyone out.
 */
function keysOf(email: string, ip: string): string[] {
  return ip === UNKNOWN_IP ? [accountKey(email)] : [accountKey(email), `login:failed:ip:${ip}`];
}
