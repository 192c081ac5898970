import { afterAll, describe, expect, test } from "bun:test";
import { connect } from "@nats-io/transport-node";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { setLogWriter } from "./log.ts";
import { CannotStart, cannotStartLine, classifyStartError, startStep } from "./startup.ts";

const PG = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const withPath = (path: string, user?: string) => {
  const u = new URL(PG);
  u.pathname = path;
  if (user) u.username = user;
  return u.toString();
};

/** The error a real driver call fails with (the call must fail). */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

/** A port nothing listens on. */
function closedPort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

const clients: ReturnType<typeof postgres>[] = [];
const pg = (url: string) => {
  const c = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  clients.push(c);
  return c;
};
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 1 }).catch(() => undefined)));
});

describe("what a start waits for, by the drivers' codes", () => {
  test("Postgres not listening: wait (connection refused)", async () => {
    const err = await failure(() => pg(`postgres://postgres@127.0.0.1:${closedPort()}/x`)`select 1`);
    expect(classifyStartError(err)).toEqual({ wait: true, reason: "connection refused (ECONNREFUSED)" });
  });

  test("a database not created yet: wait (3D000)", async () => {
    const err = await failure(() => pg(withPath("/saga_test_not_created_yet"))`select 1`);
    expect(classifyStartError(err)).toEqual({ wait: true, reason: "the database does not exist yet (3D000)" });
  });

  test("a connection the server terminated: wait", async () => {
    const victim = pg(PG);
    const [row] = await victim<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const pid = row!.pid;
    const killer = pg(PG);
    const during = victim`select pg_sleep(5)`.catch((e: unknown) => e);
    await Bun.sleep(200);
    await killer`select pg_terminate_backend(${pid})`;
    const verdict = classifyStartError(await during);
    expect(verdict.wait).toBe(true);
    expect(verdict.reason).toMatch(/\((57P01|CONNECTION_CLOSED)\)$/);
  });

  test("a role that does not exist: stop (28000), naming the role", async () => {
    const err = await failure(() => pg(withPath("/postgres", "saga_no_such_role"))`select 1`);
    expect(classifyStartError(err)).toEqual({ wait: false, reason: 'role "saga_no_such_role" does not exist (28000)' });
  });

  test("a schema error: stop (42P01)", async () => {
    const err = await failure(() => pg(PG)`select * from no_such_table_here`);
    expect(classifyStartError(err)).toMatchObject({ wait: false, reason: expect.stringMatching(/^schema error: .*no_such_table_here.*\(42P01\)$/) });
  });

  test("a URL that does not parse: stop", async () => {
    const err = await failure(async () => postgres("not a url"));
    expect(classifyStartError(err)).toEqual({ wait: false, reason: "Invalid URL (ERR_INVALID_URL)" });
  });

  test("no Kafka broker: wait, through kafkajs's retries-exceeded wrapper", async () => {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${closedPort()}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    const err = await failure(() => admin.connect());
    expect(classifyStartError(err)).toEqual({ wait: true, reason: "connection refused (ECONNREFUSED)" });
  });

  test("no NATS server: wait", async () => {
    const err = await failure(() => connect({ servers: `nats://127.0.0.1:${closedPort()}`, reconnect: false }));
    expect(classifyStartError(err).wait).toBe(true);
  });

  test("an error with no code stops, with its message; so does a CannotStart", () => {
    expect(classifyStartError(new Error("topic x has 4 partitions, expected 8"))).toEqual({ wait: false, reason: "topic x has 4 partitions, expected 8" });
    expect(classifyStartError(new CannotStart("JWT_SECRET must be set"))).toEqual({ wait: false, reason: "JWT_SECRET must be set" });
    // the message is never read to decide: a refusal worded like a wait still stops
    expect(classifyStartError(new Error("connect ECONNREFUSED")).wait).toBe(false);
  });
});

describe("startStep", () => {
  /** Runs `startStep` over failures then a success; returns the pauses and the lines logged. */
  async function run(failures: unknown[], result = "ok") {
    const pauses: number[] = [];
    const lines: string[] = [];
    const previous = setLogWriter((line) => lines.push(JSON.parse(line).msg));
    try {
      let i = 0;
      const value = await startStep("opening the database", "postgres", async () => {
        if (i < failures.length) throw failures[i++];
        return result;
      }, { sleep: async (ms) => void pauses.push(ms) });
      return { value, pauses, lines };
    } finally {
      setLogWriter(previous);
    }
  }
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

  test("waits through transient failures with a growing pause, one line per wait", async () => {
    const { value, pauses, lines } = await run(Array(6).fill(refused));
    expect(value).toBe("ok");
    expect(pauses).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(lines[0]).toBe("waiting for postgres: connection refused (ECONNREFUSED), retry in 250ms");
    expect(lines[3]).toBe("waiting for postgres: connection refused (ECONNREFUSED), retry in 2s");
    expect(lines).toHaveLength(6);
  });

  test("a failure waiting cannot mend stops at once with a line naming the step", async () => {
    const badPassword = Object.assign(new Error('password authentication failed for user "shop"'), { code: "28P01" });
    const err = await failure(() => run([refused, badPassword]));
    expect(err).toBeInstanceOf(CannotStart);
    expect(cannotStartLine(err)).toBe(
      'saga-shop cannot start: opening the database: password authentication failed for user "shop" (28P01)');
  });
});
