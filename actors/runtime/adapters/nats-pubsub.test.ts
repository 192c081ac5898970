/**
 * One PubSub contract, two implementations: in-process (one instance seen from both sides)
 * and NATS (two connections, as two edge processes would hold). NATS tests need the server
 * at TEST_NATS_URL (default nats://127.0.0.1:4222) and fail when it is not there.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { freePort } from "../../../test/processes.ts";
import { setLogWriter, type Level } from "../log.ts";
import { natsPubSub } from "./nats-pubsub.ts";
import { memoryPubSub, type PubSub } from "../pubsub.ts";
import { subjects } from "../../contracts/subjects.ts";

/** Captures the warnings the structured logger writes while `fn` runs. */
async function warningsOf(fn: () => void | Promise<void>): Promise<{ msg: string; url?: string }[]> {
  const lines: { msg: string; url?: string }[] = [];
  const previous = setLogWriter((line, level: Level) => {
    if (level === "warn") lines.push(JSON.parse(line));
  });
  try {
    await fn();
  } finally {
    setLogWriter(previous);
  }
  return lines;
}

const NATS_URL = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222";
const START_NATS = "start it with `nats-server -a 127.0.0.1 -p 4222 -js &` or set TEST_NATS_URL";

type Sides = { a: PubSub; b: PubSub; close(): Promise<void> };

async function openNats(url = NATS_URL) {
  return natsPubSub(url).catch((err) => {
    throw new Error(`NATS is needed at ${url} (${START_NATS}): ${err.message}`);
  });
}

async function waitFor(what: string, done: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

/** Returns once a message from `a` reaches `b`: everything `a` published or `b` (un)subscribed before has taken effect. */
async function barrier({ a, b }: { a: PubSub; b: PubSub }) {
  const subject = `test.barrier.${crypto.randomUUID()}`;
  let seen = false;
  const off = b.subscribe(subject, () => (seen = true));
  try {
    for (let i = 0; i < 200 && !seen; i++) {
      a.publish(subject, i);
      await Bun.sleep(i === 0 ? 0 : 20);
    }
    await waitFor("the barrier message", () => seen);
  } finally {
    off();
  }
}

const tagged = (run: string) => (d: unknown) => typeof d === "object" && d !== null && "run" in d && d.run === run;

function contract(name: string, open: () => Promise<Sides>) {
  describe(`${name} pub/sub contract`, () => {
    let sides: Sides;
    beforeEach(async () => (sides = await open()));
    afterEach(() => sides?.close());

    test("100 messages published on one side reach every subscriber, in order", async () => {
      const { a, b } = sides;
      const subject = subjects.order(crypto.randomUUID());
      const inbox: unknown[][] = [[], [], []];
      b.subscribe(subject, (d) => inbox[0]!.push(d));
      b.subscribe(subject, (d) => inbox[1]!.push(d));
      a.subscribe(subject, (d) => inbox[2]!.push(d));
      await barrier(sides);
      const sent = Array.from({ length: 100 }, (_, seq) => ({ seq, note: "ünïcødé ✓", nested: { at: [seq, null] } }));
      for (const m of sent) a.publish(subject, m);
      await waitFor("100 messages on every subscriber", () => inbox.every((got) => got.length >= 100));
      for (const got of inbox) expect(got).toEqual(sent);
    });

    test("unsubscribe stops delivery to that subscriber only", async () => {
      const { a, b } = sides;
      const subject = subjects.order(crypto.randomUUID());
      const kept: unknown[] = [];
      const dropped: unknown[] = [];
      b.subscribe(subject, (d) => kept.push(d));
      const off = b.subscribe(subject, (d) => dropped.push(d));
      await barrier(sides);
      a.publish(subject, 1);
      await waitFor("the first message twice", () => kept.length === 1 && dropped.length === 1);
      off();
      off(); // twice is harmless
      await barrier(sides);
      a.publish(subject, 2);
      a.publish(subject, 3);
      await barrier(sides);
      expect(kept).toEqual([1, 2, 3]);
      expect(dropped).toEqual([1]);
    });

    test("publish never throws into the caller, whatever the data; later messages still flow", async () => {
      const { a, b } = sides;
      const subject = subjects.order(crypto.randomUUID());
      const got: unknown[] = [];
      b.subscribe(subject, () => {
        throw new Error("a broken subscriber");
      });
      b.subscribe(subject, (d) => got.push(d));
      await barrier(sides);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await warningsOf(() => {
        for (const bad of [10n, cyclic, "x".repeat(2 * 1024 * 1024)]) expect(() => a.publish(subject, bad)).not.toThrow();
      });
      const fine = Array.from({ length: 20 }, (_, i) => `fine ${i}`);
      for (const m of fine) a.publish(subject, m);
      const fineOnes = () => got.filter((d) => typeof d === "string" && d.startsWith("fine"));
      await waitFor("the messages after the bad ones", () => fineOnes().length >= 20);
      expect(fineOnes()).toEqual(fine); // the in-process one also delivers the bad ones, unserialized
    });

    test("orders.all and orders.<id> are independent subjects", async () => {
      const { a, b } = sides;
      const run = crypto.randomUUID();
      const mine = tagged(run);
      const one: unknown[] = [];
      const all: unknown[] = [];
      b.subscribe(subjects.order(run), (d) => mine(d) && one.push(d));
      b.subscribe(subjects.allOrders, (d) => mine(d) && all.push(d)); // other runs may share orders.all
      await barrier(sides);
      a.publish(subjects.order(run), { run, to: "one" });
      a.publish(subjects.allOrders, { run, to: "all" });
      a.publish(subjects.order(crypto.randomUUID()), { run, to: "another order" });
      await barrier(sides);
      expect(one).toEqual([{ run, to: "one" }]);
      expect(all).toEqual([{ run, to: "all" }]);
    });
  });
}

contract("in-process", async () => {
  const ps = memoryPubSub();
  return { a: ps, b: ps, close: async () => {} };
});

contract("NATS", async () => {
  const a = await openNats();
  const b = await openNats().catch(async (err) => {
    await a.close();
    throw err;
  });
  return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
});

describe("NATS connection", () => {
  test("publish after close does not throw", async () => {
    const ps = await openNats();
    await ps.close();
    const warnings = await warningsOf(() => {
      expect(() => ps.publish(subjects.allOrders, { late: true })).not.toThrow();
    });
    expect(warnings).toHaveLength(1);
  });

  test("an unreachable server is reported with its address", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    await expect(natsPubSub(url)).rejects.toThrow(`NATS is not reachable at ${url}`);
  });

  test("publishing while the server is down does not throw, and delivery resumes after it returns", async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    let server = await startNatsServer(port);
    const a = await openNats(url);
    const b = await openNats(url);
    try {
      const subject = subjects.order(crypto.randomUUID());
      const got: unknown[] = [];
      b.subscribe(subject, (d) => got.push(d));
      await barrier({ a, b });
      server.kill();
      await server.exited;
      await Bun.sleep(200);
      const warnings = await warningsOf(() => {
        expect(() => {
          for (let i = 0; i < 50; i++) a.publish(subject, "while down");
        }).not.toThrow();
      });
      expect(warnings.map((w) => [w.msg, w.url])).toEqual([["nats pubsub: disconnected, dropping live updates until it reconnects", url]]);
      server = await startNatsServer(port);
      await barrier({ a, b }); // both reconnected, b's subscription restored
      a.publish(subject, "after");
      await waitFor("the message after the restart", () => got.includes("after"));
      expect(got.filter((d) => d !== "after")).toEqual([]); // dropped, not replayed late
    } finally {
      await Promise.all([a.close(), b.close()]);
      server.kill();
      await server.exited;
    }
  }, 30_000);
});

/** A private nats-server we may stop, so the shared one stays up for everyone else. */
async function startNatsServer(port: number) {
  const proc = Bun.spawn(["nats-server", "-a", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" });
  const until = Date.now() + 5000;
  while (!(await accepts(port))) {
    if (proc.exitCode !== null || Date.now() > until) {
      proc.kill();
      throw new Error(`nats-server did not start on port ${port} (is it on PATH?)`);
    }
    await Bun.sleep(20);
  }
  return proc;
}

const accepts = (port: number) =>
  Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
    (s) => (s.end(), true),
    () => false,
  );
