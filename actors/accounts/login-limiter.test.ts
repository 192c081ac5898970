import { describe, expect, test } from "bun:test";
import { LOGIN_LIMIT, LoginLimiter, UNKNOWN_IP } from "./login-limiter.ts";
import { startUpstashBridge } from "../../deploy/upstash-bridge.ts";
import { REDIS_URL } from "../../test/engines.ts";
import { memoryCache } from "../runtime/cache.ts";
import { upstashCache } from "../runtime/adapters/upstash-cache.ts";

const wrong = async () => null;
const right = async () => "signed in";

/** `n` failed attempts for `email` from `ip`. */
async function fail(limiter: LoginLimiter, email: string, ip: string, n: number) {
  for (let i = 0; i < n; i++) expect(await limiter.attempt(email, ip, wrong)).toEqual({ kind: "failed" });
}

describe("login limiter", () => {
  test("five failures per account: the sixth attempt is refused even with the right password, until the window ends", async () => {
    const limiter = new LoginLimiter(memoryCache());
    await fail(limiter, "ada@example.com", "10.0.0.1", 3);
    await fail(limiter, "ADA@example.com", "10.0.0.2", 2); // the account is its lowercased email, from any address
    const sixth = await limiter.attempt("ada@example.com", "10.0.0.3", right);
    expect(sixth.kind).toBe("limited");
    if (sixth.kind === "limited") {
      expect(sixth.retryAfterSeconds).toBeGreaterThan(LOGIN_LIMIT.windowSeconds - 5);
      expect(sixth.retryAfterSeconds).toBeLessThanOrEqual(LOGIN_LIMIT.windowSeconds);
    }
    expect(await limiter.attempt("grace@example.com", "10.0.0.3", right)).toEqual({ kind: "ok", value: "signed in" });
  });

  test("fifty failures per IP, over any accounts (a sprayer): the 51st from that IP is refused, other IPs go on", async () => {
    const limiter = new LoginLimiter(memoryCache());
    for (let i = 0; i < 49; i++) await fail(limiter, `victim${i}@example.com`, "203.0.113.9", 1);
    expect((await limiter.attempt("victim99@example.com", "203.0.113.9", right)).kind).toBe("ok"); // one NAT: still open at 49
    await fail(limiter, "victim49@example.com", "203.0.113.9", 1);
    expect(await limiter.attempt("victim9@example.com", "203.0.113.9", right)).toMatchObject({ kind: "limited" });
    expect(await limiter.attempt("victim9@example.com", "198.51.100.1", right)).toEqual({ kind: "ok", value: "signed in" });
  });

  test("a success clears the account's count but not the IP's", async () => {
    const limiter = new LoginLimiter(memoryCache());
    await fail(limiter, "ada@example.com", "10.0.0.1", 4);
    expect((await limiter.attempt("ada@example.com", "10.0.0.1", right)).kind).toBe("ok");
    await fail(limiter, "ada@example.com", "10.0.0.2", 4); // the account starts again from zero
    expect((await limiter.attempt("ada@example.com", "10.0.0.2", right)).kind).toBe("ok");
    await fail(limiter, "ada@example.com", "10.0.0.1", 4);
    expect((await limiter.attempt("ada@example.com", "10.0.0.1", right)).kind).toBe("ok"); // the account cleared again
    for (let i = 0; i < 42; i++) await fail(limiter, `bob${i}@example.com`, "10.0.0.1", 1); // 10.0.0.1's 50th failure
    expect((await limiter.attempt("carol@example.com", "10.0.0.1", right)).kind).toBe("limited");
  });

  test("the budgets are separate: 5 per account, 50 per address, as the README says", () => {
    expect(LOGIN_LIMIT).toEqual({ maxFailures: 5, maxIpFailures: 50, windowSeconds: 900 });
  });

  test("the window opened by the first failure ends, and with it the refusal", async () => {
    const limiter = new LoginLimiter(memoryCache(), { maxFailures: 2, windowSeconds: 0.5 });
    await fail(limiter, "ada@example.com", "10.0.0.1", 2);
    expect(await limiter.attempt("ada@example.com", "10.0.0.1", right)).toEqual({ kind: "limited", retryAfterSeconds: 1 });
    await Bun.sleep(600);
    expect((await limiter.attempt("ada@example.com", "10.0.0.1", right)).kind).toBe("ok");
  });

  test("clients of unknown address share no bucket: only their accounts are counted", async () => {
    const limiter = new LoginLimiter(memoryCache());
    for (let i = 0; i < 6; i++) await fail(limiter, `typo${i}@example.com`, UNKNOWN_IP, 1);
    expect((await limiter.attempt("someone@example.com", UNKNOWN_IP, right)).kind).toBe("ok");
  });
});

test("edge instances share the counters through Upstash (REST bridge over the local Redis)", async () => {
  const token = crypto.randomUUID();
  const bridge = startUpstashBridge({ port: 0, redisUrl: REDIS_URL, token });
  try {
    const shared = () => upstashCache(bridge.url, token, { prefix: `test:limiter:${token}:` });
    const [edge1, edge2] = [new LoginLimiter(shared()), new LoginLimiter(shared())];
    await fail(edge1, "ada@example.com", "10.0.0.1", 3);
    await fail(edge2, "ada@example.com", "10.0.0.2", 2);
    const sixth = await edge1.attempt("ada@example.com", "10.0.0.3", right);
    expect(sixth.kind).toBe("limited");
    if (sixth.kind === "limited") expect(sixth.retryAfterSeconds).toBeGreaterThan(LOGIN_LIMIT.windowSeconds - 5);
  } finally {
    await bridge.stop();
  }
});
