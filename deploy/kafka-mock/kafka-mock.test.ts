import { afterAll, beforeAll, expect, test } from "bun:test";
import { Kafka, logLevel, PartitionAssigners, Partitioners, type Consumer, type KafkaMessage, type PartitionAssigner } from "kafkajs";
import { startKafkaMock, type KafkaMock } from "./index.ts";

// No skip when librdkafka is missing: beforeAll throws and every test here fails with the
// install command in its message.
let mock: KafkaMock;
let kafka: Kafka;

beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3, topics: [{ name: "orders", partitions: 4 }, { name: "faults", partitions: 4 }] });
  kafka = new Kafka({
    clientId: "kafka-mock-test",
    brokers: mock.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
  });
});
afterAll(() => mock?.stop());

// The mock marks a group Up as soon as the leader's SyncGroup names every member's share, and
// answers a follower's SyncGroup that arrives later with INVALID_REQUEST, which kafkajs treats
// as fatal (~1 rebalance in 10 here). Holding the leader's answer back lets followers sync first.
const patientRoundRobin: PartitionAssigner = (config) => {
  const roundRobin = PartitionAssigners.roundRobin(config);
  return { ...roundRobin, assign: async (group) => (await Bun.sleep(200), roundRobin.assign(group)) };
};

// The mock holds a JoinGroup for session.timeout - 1 s, however fast members rejoin, so a
// short session keeps a rebalance at ~2 s; the short fetch wait keeps heartbeats flowing.
const member = (groupId: string) =>
  kafka.consumer({
    groupId, sessionTimeout: 3_000, heartbeatInterval: 500, maxWaitTimeInMs: 500, partitionAssigners: [patientRoundRobin],
  });

async function until(what: string, ok: () => boolean, ms: number) {
  for (const end = Date.now() + ms; !ok(); await Bun.sleep(50)) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
}

async function consume(consumer: Consumer, topic: string, seen: { partition: number; message: KafkaMessage }[]) {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push({ partition, message }) });
}

test("a group member reads 100 keyed messages on the partitions kafkajs's DefaultPartitioner chose", async () => {
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = member("readers");
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    const messages = Array.from({ length: 100 }, (_, i) => ({ key: `order-${i}`, value: `placed ${i}` }));
    await producer.send({ topic: "orders", acks: -1, messages });

    const partitions = (await admin.fetchTopicMetadata({ topics: ["orders"] })).topics[0]!.partitions;
    const choose = Partitioners.DefaultPartitioner();
    const expected = new Map(messages.map((m) => [m.key, choose({ topic: "orders", partitionMetadata: partitions, message: m })]));
    expect(new Set(expected.values()).size).toBeGreaterThan(1);

    const seen: { partition: number; message: KafkaMessage }[] = [];
    await consume(consumer, "orders", seen);
    await until("100 messages", () => seen.length >= 100, 15_000);
    expect(seen).toHaveLength(100);
    for (const { partition, message } of seen) expect(partition).toBe(expected.get(String(message.key))!);
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect(), consumer.disconnect()]);
  }
}, 25_000);

test("a produce to a downed leader fails, with no failover; brokerUp lets it through again", async () => {
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const leaderOf0 = async () =>
    (await admin.fetchTopicMetadata({ topics: ["faults"] })).topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
  const send = (value: string) => producer.send({ topic: "faults", acks: -1, messages: [{ value, partition: 0 }] });
  let leader = 0;
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    leader = await leaderOf0();
    await send("before");

    await mock.brokerDown(leader);
    const started = Date.now();
    const failure = await send("during").then(() => null, (e: Error & { cause?: Error }) => e);
    expect(failure?.name).toBe("KafkaJSNumberOfRetriesExceeded");
    expect(failure?.cause?.name).toBe("KafkaJSConnectionError");
    expect(failure?.message).toContain("ECONNREFUSED");
    expect(Date.now() - started).toBeLessThan(5_000);

    await mock.brokerUp(leader);
    // Asked after the broker is back (a metadata call may land on the downed broker): the
    // mock never moved leadership away from it.
    expect(await leaderOf0()).toBe(leader);
    await send("after");
    const offsets = await admin.fetchTopicOffsets("faults");
    expect(offsets.find((o) => o.partition === 0)?.high).toBe("2"); // "during" was never written
  } finally {
    if (leader) await mock.brokerUp(leader); // harmless when up; keeps later tests healthy after a failure
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}, 20_000);

test("setRtt delays every response of a broker until it is set back to 0", async () => {
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  let leader = 0;
  const timedSend = async () => {
    const started = Date.now();
    await producer.send({ topic: "faults", acks: -1, messages: [{ value: "slow?", partition: 1 }] });
    return Date.now() - started;
  };
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    leader = (await admin.fetchTopicMetadata({ topics: ["faults"] })).topics[0]!.partitions.find((p) => p.partitionId === 1)!.leader;
    await timedSend();
    await mock.setRtt(leader, 400);
    expect(await timedSend()).toBeGreaterThanOrEqual(400);
    await mock.setRtt(leader, 0);
    expect(await timedSend()).toBeLessThan(200);
  } finally {
    if (leader) await mock.setRtt(leader, 0);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}, 15_000);

test("requestErrors fails the next produce requests with the code given, then lets them through", async () => {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 0 } });
  try {
    await producer.connect();
    // 7 = REQUEST_TIMED_OUT; two queued errors, and kafkajs makes no retry of its own here
    await mock.requestErrors("produce", 7, 2);
    const send = () => producer.send({ topic: "faults", acks: -1, messages: [{ value: "x", partition: 2 }] });
    for (let i = 0; i < 2; i++) {
      const failure = await send().then(() => null, (e: Error) => e);
      expect(failure?.message).toContain("timed out");
    }
    await send();
    await expect(mock.requestErrors("rebalance" as never, 7, 1)).rejects.toThrow("unknown api");
    await expect(mock.requestErrors("fetch", 7, 0)).rejects.toThrow("error count must be an integer in 1..10000");
  } finally {
    await producer.disconnect();
  }
}, 15_000);

test("createTopic adds a topic that clients can produce to and read back", async () => {
  await mock.createTopic("late", 2);
  await expect(mock.createTopic("late", 2)).rejects.toThrow("Topic already exists");
  await expect(mock.brokerDown(4)).rejects.toThrow("broker id must be an integer in 1..3");

  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = member("late-readers");
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    expect((await admin.fetchTopicMetadata({ topics: ["late"] })).topics[0]!.partitions).toHaveLength(2);
    await producer.send({ topic: "late", acks: -1, messages: [{ key: "a", value: "1" }, { key: "b", value: "2" }] });
    const seen: { partition: number; message: KafkaMessage }[] = [];
    await consume(consumer, "late", seen);
    await until("2 messages", () => seen.length >= 2, 10_000);
    expect(seen.map((s) => String(s.message.value)).sort()).toEqual(["1", "2"]);
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect(), consumer.disconnect()]);
  }
}, 20_000);

test("a second member joining the group takes half of the partitions", async () => {
  const a = member("splitters");
  const b = member("splitters");
  const assigned = new Map<Consumer, number[]>();
  for (const c of [a, b]) {
    c.on(c.events.GROUP_JOIN, (e) => assigned.set(c, e.payload.memberAssignment["orders"] ?? []));
  }
  try {
    await consume(a, "orders", []);
    await until("the first member's assignment", () => assigned.get(a)?.length === 4, 10_000);

    await consume(b, "orders", []);
    await until("both members to hold partitions", () => !!assigned.get(a)?.length && !!assigned.get(b)?.length, 15_000);
    const both = [...assigned.get(a)!, ...assigned.get(b)!].sort();
    expect(both).toEqual([0, 1, 2, 3]);
  } finally {
    await Promise.all([a.disconnect(), b.disconnect()]);
  }
}, 30_000);

test("setCoordinator pins a group to a broker: with that broker down the group cannot form, and it forms once it is back", async () => {
  await mock.setCoordinator("pinned", 3);
  await mock.brokerDown(3);
  const c = member("pinned");
  let joined = false;
  c.on(c.events.GROUP_JOIN, () => (joined = true));
  try {
    await consume(c, "orders", []);
    await Bun.sleep(1_000);
    expect(joined).toBe(false);
    await mock.brokerUp(3);
    await until("the member to join once its coordinator is back", () => joined, 15_000);
  } finally {
    await mock.brokerUp(3);
    await c.disconnect();
  }
  await expect(mock.setCoordinator("pinned", 9)).rejects.toThrow("broker id must be an integer in 1..3");
}, 30_000);

test("kafkajs's idempotent producer cannot start: the mock names controller 0, and brokers count from 1", async () => {
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1 } });
  try {
    await expect(producer.connect()).rejects.toThrow("Broker 0 not found");
  } finally {
    await producer.disconnect();
  }
});
