/**
 * One contract for the Bus port, run against the embedded log and against Kafka (the
 * librdkafka mock cluster): partition choice, per-key order, commits and resumption,
 * redelivery after a failure, and rebalancing between members of a group.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startKafkaMock, type KafkaMock } from "../../../deploy/kafka-mock/index.ts";
import { openPglite, type Database } from "../../../db/client.ts";
import { TOPICS } from "../../contracts/index.ts";
import type { Batch, Bus, Consumer, Delivered } from "../bus.ts";
import { EmbeddedBus } from "./embedded-bus.ts";
import { KafkaBus } from "./kafka-bus.ts";
import { partitionFor } from "./murmur2.ts";

const PARTITIONS = 4;
type Harness = { bus: Bus; close(): Promise<void> };

const harnesses: Record<string, () => Promise<Harness>> = {
  embedded: async () => {
    const database: Database = await openPglite();
    const bus = await EmbeddedBus.open(database.db, { partitions: PARTITIONS, lanes: 2, lingerMs: 0 });
    return { bus, close: async () => { await bus.close(); await database.close(); } };
  },
  kafka: async () => {
    const mock: KafkaMock = await startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions: PARTITIONS })) });
    const bus = await KafkaBus.open({ brokers: mock.bootstrap, partitions: PARTITIONS, clientId: "contract", sessionTimeoutMs: 3_000 });
    return { bus, close: async () => { await bus.close(); await mock.stop(); } };
  },
};

/** A consumer that records what it gets; `onBatch` may throw to refuse a batch. */
async function member(bus: Bus, group: string, only: string, onBatch?: (b: Batch) => void | Promise<void>) {
  const got: Delivered[] = [];
  const consumer: Consumer = await bus.consume(group, ["order.events", "payment.events"], async (b) => {
    await onBatch?.(b);
    got.push(...b.messages.filter((m) => m.key.startsWith(only)));
  });
  return { got, stop: () => consumer.stop() };
}

/** Waits are generous: the mock cluster takes seconds to form or re-form a group. */
async function until(check: () => boolean, what: string, ms = 45_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

const records = (run: string, key: string, from: number, n: number, topic: "order.events" | "payment.events" = "order.events") =>
  Array.from({ length: n }, (_, i) => ({ topic, key: `${run}:${key}`, value: `${key}#${from + i}` }));

describe.each(Object.keys(harnesses))("Bus contract: %s", (name) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnesses[name]!();
  });
  afterAll(() => h.close());

  test("a key lands on the partition murmur2 picks, in the order it was published", async () => {
    const run = crypto.randomUUID();
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    for (let round = 0; round < 5; round++) {
      await h.bus.publish(keys.flatMap((k) => [...records(run, k, round * 3, 3), ...records(run, k, round, 1, "payment.events")]));
    }
    const m = await member(h.bus, `g-order-${run}`, run);
    await until(() => m.got.length === 12 * 20, "all messages");
    await m.stop();
    for (const d of m.got) expect(d.partition).toBe(partitionFor(d.key, PARTITIONS));
    for (const k of keys) {
      const seen = m.got.filter((d) => d.key === `${run}:${k}` && d.topic === "order.events").map((d) => d.value);
      expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => `${k}#${i}`));
    }
  });

  test("a group resumes after its committed offsets", async () => {
    const run = crypto.randomUUID();
    const group = `g-resume-${run}`;
    await h.bus.publish(records(run, "a", 0, 20));
    const first = await member(h.bus, group, run);
    await until(() => first.got.length === 20, "first 20");
    await first.stop();
    await h.bus.publish(records(run, "a", 20, 5));
    const second = await member(h.bus, group, run);
    await until(() => second.got.length >= 5, "the 5 new ones");
    await Bun.sleep(300);
    await second.stop();
    expect(second.got.map((d) => d.value)).toEqual(Array.from({ length: 5 }, (_, i) => `a#${20 + i}`));
  });

  test("a batch the handler refuses is delivered again, nothing skipped", async () => {
    const run = crypto.randomUUID();
    await h.bus.publish(records(run, "b", 0, 10));
    let refusals = 0;
    const m = await member(h.bus, `g-redeliver-${run}`, run, (b) => {
      if (b.messages.some((d) => d.key.startsWith(run)) && refusals++ < 2) throw new Error("crash in the handler");
    });
    await until(() => m.got.length >= 10, "redelivery");
    await m.stop();
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect([...new Set(m.got.map((d) => d.value))].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `b#${i}`).sort());
  });

  test("a batch held up (a provider taking its time) holds up only its own key: a key on the same partition goes ahead, and the held key's later messages wait in order", async () => {
    const run = crypto.randomUUID();
    const slow = `${run}:slow`;
    const partition = partitionFor(slow, PARTITIONS);
    let n = 0;
    while (partitionFor(`${run}:quick${n}`, PARTITIONS) !== partition) n++;
    const quick = `quick${n}`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding = false;
    const m = await member(h.bus, `g-slow-${run}`, run, async (b) => {
      if (b.messages.some((d) => d.value === "slow#0")) {
        holding = true;
        await held;
      }
    });
    await h.bus.publish(records(run, "slow", 0, 1));
    await until(() => holding, "the slow batch in hand");
    await h.bus.publish([...records(run, "slow", 1, 1), ...records(run, quick, 0, 3)]);
    await until(() => m.got.length === 3, "the other key's messages past the held batch");
    expect(m.got.map((d) => d.value)).toEqual([`${quick}#0`, `${quick}#1`, `${quick}#2`]);
    release();
    await until(() => m.got.length === 5, "the held key's messages");
    await m.stop();
    expect(m.got.filter((d) => d.key === slow).map((d) => d.value)).toEqual(["slow#0", "slow#1"]);
  });

  test("members split the partitions co-partitioned, and take over when one leaves", async () => {
    const run = crypto.randomUUID();
    const group = `g-rebalance-${run}`;
    const keys = Array.from({ length: 16 }, (_, i) => `r${i}`);
    const a = await member(h.bus, group, run);
    const b = await member(h.bus, group, run);
    await Bun.sleep(name === "kafka" ? 4000 : 100);
    await h.bus.publish(keys.flatMap((k) => [...records(run, k, 0, 2), ...records(run, k, 0, 1, "payment.events")]));
    await until(() => new Set([...a.got, ...b.got].map((d) => `${d.topic}/${d.value}`)).size === 48, "both members", 60_000);
    const owner = new Map<number, string>();
    for (const [who, m] of [["a", a], ["b", b]] as const) {
      for (const d of m.got) {
        expect(owner.get(d.partition) ?? who).toBe(who);
        owner.set(d.partition, who);
      }
    }
    expect(new Set(owner.values()).size).toBe(2);
    await a.stop();
    await h.bus.publish(keys.flatMap((k) => records(run, k, 2, 1)));
    // Kafka: the group notices the leave and rebalances within seconds (the mock is slow).
    // A commit refused mid-rebalance means some messages come twice: at least once, never lost.
    const taken = () => new Set(b.got.filter((d) => d.value.endsWith("#2")).map((d) => d.value)).size;
    await until(() => taken() === 16, "b to take over every partition", 60_000);
    await b.stop();
  }, 150_000);

  test("a member busy with queued work when another joins: every message is handled, none lost in the handover", async () => {
    const run = crypto.randomUUID();
    const group = `g-handover-${run}`;
    const keys = Array.from({ length: 16 }, (_, i) => `h${i}`);
    // a slow member: the rebalance finds it with batches queued and one in hand
    const a = await member(h.bus, group, run, () => Bun.sleep(150));
    await h.bus.publish(keys.flatMap((k) => records(run, k, 0, 10)));
    await until(() => a.got.length > 0, "the first member to start");
    const b = await member(h.bus, group, run);
    // A member drains and commits when the rebalance begins. The librdkafka mock refuses
    // commits until the group has re-formed (a real broker takes them while it prepares), so
    // there some messages come twice: at least once, never lost (consumers dedupe).
    await until(() => new Set([...a.got, ...b.got].map((d) => d.value)).size === 160, "every message", 90_000);
    await Promise.all([a.stop(), b.stop()]);
    const seen = [...a.got, ...b.got].map((d) => d.value);
    expect(new Set(seen).size).toBe(160);
    for (const k of keys) {
      // each member saw a key's messages in order, wherever the handover cut them
      for (const m of [a, b]) {
        const mine = m.got.filter((d) => d.key === `${run}:${k}`).map((d) => Number(d.value.split("#")[1]));
        expect(mine).toEqual([...mine].sort((x, y) => x - y));
      }
    }
  }, 150_000);
});
