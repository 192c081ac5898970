import { afterEach, describe, expect, test } from "bun:test";
import { openPglite, type Database } from "../../../db/client.ts";
import type { Batch, Delivered } from "../bus.ts";
import { EmbeddedBus } from "./embedded-bus.ts";
import { partitionFor } from "./murmur2.ts";

let database: Database;
afterEach(() => database?.close());

async function open(partitions = 4, lanes = 2) {
  database = await openPglite();
  return EmbeddedBus.open(database.db, { partitions, lanes, lingerMs: 0 });
}

const records = (key: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic: "order.events" as const, key, value: `${key}:${from + i}` }));

/** Consume into an array until `n` messages for the group arrived. */
async function collect(bus: EmbeddedBus, group: string, n: number, onBatch?: (b: Batch) => Promise<void>) {
  const got: Delivered[] = [];
  let resolve!: () => void;
  const enough = new Promise<void>((r) => (resolve = r));
  const consumer = await bus.consume(group, ["order.events", "payment.events"], async (b) => {
    await onBatch?.(b);
    got.push(...b.messages);
    if (got.length >= n) resolve();
  });
  await Promise.race([enough, Bun.sleep(10_000)]);
  return { got, consumer };
}

describe("embedded bus", () => {
  test("a key goes to the partition kafkajs would choose, with offsets growing by one", async () => {
    const bus = await open(8);
    await bus.publish(records("order-42", 0, 3));
    const p = partitionFor("order-42", 8);
    const read = await bus.read("order.events", p, 0);
    expect(read.map((d) => [d.partition, d.offset])).toEqual([[p, 0], [p, 1], [p, 2]]);
  });

  test("one key is delivered strictly in order, across many publishes", async () => {
    const bus = await open();
    for (let i = 0; i < 30; i++) await bus.publish([...records("k1", i * 10, 10), ...records(`other-${i}`, 0, 2)]);
    const { got, consumer } = await collect(bus, "g", 360);
    await consumer.stop();
    const k1 = got.filter((d) => d.key === "k1").map((d) => d.value);
    expect(k1).toEqual(Array.from({ length: 300 }, (_, i) => `k1:${i}`));
  });

  test("different lanes are processed concurrently", async () => {
    const bus = await open(4, 4);
    const keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const parts = new Set(keys.map((k) => partitionFor(k, 4)));
    expect(parts.size).toBeGreaterThan(1);
    let inFlight = 0;
    let maxInFlight = 0;
    await bus.publish(keys.flatMap((k) => records(k, 0, 1)));
    const { consumer } = await collect(bus, "g", keys.length, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await Bun.sleep(50);
      inFlight--;
    });
    await consumer.stop();
    expect(maxInFlight).toBeGreaterThan(1);
  });

  test("a group resumes after its committed offsets; another group starts from the beginning", async () => {
    const bus = await open();
    await bus.publish(records("k", 0, 20));
    const first = await collect(bus, "g1", 20);
    await first.consumer.stop();
    await bus.publish(records("k", 20, 5));
    const again = await collect(bus, "g1", 5);
    await again.consumer.stop();
    expect(again.got.map((d) => d.value)).toEqual(records("k", 20, 5).map((r) => r.value));
    const other = await collect(bus, "g2", 25);
    await other.consumer.stop();
    expect(other.got).toHaveLength(25);
  });

  test("a failed batch is redelivered, never skipped", async () => {
    const bus = await open();
    await bus.publish(records("k", 0, 10));
    let failures = 0;
    const { got, consumer } = await collect(bus, "g", 10, async () => {
      if (failures++ < 2) throw new Error("handler crashed");
    });
    await consumer.stop();
    expect(failures).toBeGreaterThan(2);
    expect(got.map((d) => d.value)).toEqual(records("k", 0, 10).map((r) => r.value));
  });

  test("a consumer's depth is what its lanes hold: the batch in hand, then nothing", async () => {
    const bus = await open(4, 1);
    await bus.publish(records("d", 0, 5));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inHand = 0;
    const consumer = await bus.consume("g-depth", ["order.events"], async (b) => {
      inHand = b.messages.length;
      await held;
    });
    for (let i = 0; i < 100 && consumer.depth() === 0; i++) await Bun.sleep(10);
    expect(consumer.depth()).toBe(inHand);
    expect(inHand).toBe(5);
    release();
    for (let i = 0; i < 100 && consumer.depth() > 0; i++) await Bun.sleep(10);
    expect(consumer.depth()).toBe(0);
    await consumer.stop();
  });

  test("reopened on the same database, offsets continue and consumers resume", async () => {
    const bus = await open();
    await bus.publish(records("k", 0, 5));
    const first = await collect(bus, "g", 5);
    await first.consumer.stop();
    const reopened = await EmbeddedBus.open(database.db, { partitions: 4, lanes: 2, lingerMs: 0 });
    await reopened.publish(records("k", 5, 2));
    const p = partitionFor("k", 4);
    expect((await reopened.read("order.events", p, 0)).map((d) => d.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const after = await collect(reopened, "g", 2);
    await after.consumer.stop();
    expect(after.got.map((d) => d.value)).toEqual(["k:5", "k:6"]);
  });

  test("reopened with another partition count, it refuses and names the count it was written with", async () => {
    const bus = await open(4);
    await bus.publish(records("k", 0, 3));
    for (const partitions of [2, 8]) {
      await expect(EmbeddedBus.open(database.db, { partitions, lanes: 2, lingerMs: 0 })).rejects.toThrow("set PARTITIONS=4");
    }
    expect((await EmbeddedBus.open(database.db, { partitions: 4, lanes: 2, lingerMs: 0 })).partitions).toBe(4);
  });
});
