/**
 * The Bus on Kafka (kafkajs). Partitions are chosen with the same murmur2 hash as the
 * embedded log; a co-partitioning assignor gives partition p of every topic to one member,
 * and that member handles the batches of one partition number one at a time, so one key
 * is never handled twice at once while different partitions run in parallel. Offsets are
 * committed after each batch; a failed batch seeks back and is delivered again.
 */
import { AssignerProtocol, Kafka, logLevel, type Admin, type Assigner, type Consumer as KafkaConsumer, type Producer } from "kafkajs";
import type { Topic } from "../contracts/index.ts";
import { TOPICS } from "../contracts/index.ts";
import type { BatchHandler, Bus, BusRecord, Consumer, Delivered } from "./bus.ts";
import { Unavailable } from "./bus.ts";
import { partitionFor } from "./murmur2.ts";
import { log } from "./log.ts";

export type KafkaBusOptions = {
  brokers: string[];
  partitions: number;
  /** lanes per member: a partition number always goes to the same lane (default 2) */
  lanes?: number;
  /** how long a lane lets batches gather before handing them over as one (default 5 ms) */
  lingerMs?: number;
  clientId?: string;
  /** group session timeout; a rebalance waits up to this long for members (Kafka's floor is 6 s) */
  sessionTimeoutMs?: number;
};

const ASSIGNOR = "saga-copartitioned";

/** Partition p of every subscribed topic goes to the same member: contiguous ranges of p. */
export const copartitioned = ({ cluster }: { cluster: { findTopicPartitionMetadata(t: string): { partitionId: number }[] } }): Assigner => ({
  name: ASSIGNOR,
  version: 1,
  async assign({ members, topics }) {
    // The group leader answers a moment late so followers' SyncGroup arrives first: the
    // librdkafka mock cluster rejects a follower that syncs after the leader (and kafkajs
    // then gives up on it). Harmless on a real broker.
    await new Promise((r) => setTimeout(r, 200));
    const ids = members.map((m) => m.memberId).sort();
    const count = Math.max(...topics.map((t) => cluster.findTopicPartitionMetadata(t).length));
    const per = Math.ceil(count / Math.max(1, ids.length));
    return ids.map((memberId, i) => {
      const mine = Array.from({ length: count }, (_, p) => p).filter((p) => Math.floor(p / per) === i);
      const assignment = Object.fromEntries(topics.map((t) => [t, mine]));
      return { memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }) };
    });
  },
  protocol({ topics }) {
    return { name: ASSIGNOR, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});

export class KafkaBus implements Bus {
  readonly partitions: number;
  private consumers = new Set<Consumer>();
  private admin: Admin | null = null;

  private constructor(private kafka: Kafka, private producer: Producer, private opts: KafkaBusOptions) {
    this.partitions = opts.partitions;
  }

  /** Connect, make sure every topic exists with `partitions` partitions, start the producer. */
  static async open(opts: KafkaBusOptions): Promise<KafkaBus> {
    const kafka = new Kafka({
      clientId: opts.clientId ?? "saga-shop",
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => ({ namespace, level, log: entry }) => {
        if (level === logLevel.ERROR) log.error(entry.message, { kafka: namespace });
        else if (level === logLevel.WARN) log.warn(entry.message, { kafka: namespace });
      },
      retry: { initialRetryTime: 100, retries: 8 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, opts.partitions);
    } finally {
      await admin.disconnect();
    }
    // Not idempotent: the librdkafka mock cluster used in tests rejects it. Consumers dedupe.
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 1 });
    await producer.connect();
    return new KafkaBus(kafka, producer, opts);
  }

  async publish(records: BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<Topic, { key: string; value: string; partition: number }[]>();
    for (const r of records) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key: r.key, value: r.value, partition: partitionFor(r.key, this.partitions) });
      byTopic.set(r.topic, list);
    }
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (err) {
      throw new Unavailable(`kafka publish failed: ${err instanceof Error ? err.message : err}`, { cause: err });
    }
  }

  async consume(group: string, topics: readonly Topic[], handler: BatchHandler): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: group,
      partitionAssigners: [copartitioned],
      sessionTimeout: this.opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 500,
      rebalanceTimeout: 10_000,
      // A fetch returns as soon as there is data; the cap bounds a hop's latency on brokers
      // (like the librdkafka mock) that hold an empty fetch for its full wait.
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, retries: 1_000_000 },
    });
    consumer.on(consumer.events.CRASH, (e) => {
      log.error("kafka consumer crashed", { group, error: e.payload.error, restart: e.payload.restart });
    });
    let joined!: () => void;
    const hasJoined = new Promise<void>((r) => (joined = r));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    // Group commit: batches of the partitions of one lane that arrive while it is busy are
    // handed to the handler together, in one transaction; one lane runs one at a time, and a
    // partition number always maps to the same lane, so one key is never handled twice at once.
    const lanes = Array.from({ length: this.opts.lanes ?? 2 }, () => new Lane(handler, this.opts.lingerMs ?? 5));
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.partitions * topics.length,
      eachBatch: async ({ batch, isRunning, isStale, resolveOffset }) => {
        if (batch.isEmpty() || !isRunning() || isStale()) return;
        const topic = asTopic(batch.topic);
        const messages: Delivered[] = batch.messages.map((m) => ({
          topic, partition: batch.partition, offset: Number(m.offset), key: m.key?.toString() ?? "", value: m.value?.toString() ?? "",
        }));
        const lane = lanes[batch.partition % lanes.length]!;
        const done = await deliver(consumer, (b) => lane.submit(b.messages), topic, batch.partition, messages);
        if (done) resolveOffset(batch.lastOffset());
      },
    });
    // Ready once the member holds partitions (a group forms in seconds).
    await Promise.race([hasJoined, new Promise((r) => setTimeout(r, 30_000))]);
    const c: Consumer = {
      stop: async () => {
        await consumer.disconnect();
        this.consumers.delete(c);
      },
    };
    this.consumers.add(c);
    return c;
  }

  async lag(group: string, topics: readonly Topic[]) {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const admin = this.admin;
    const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
    const out: { topic: Topic; partition: number; lag: number }[] = [];
    for (const t of committed) {
      const topic = asTopic(t.topic);
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const p of t.partitions) {
        const end = ends.find((e) => e.partition === p.partition);
        const from = p.offset === "-1" ? Number(end?.low ?? 0) : Number(p.offset);
        out.push({ topic, partition: p.partition, lag: Math.max(0, Number(end?.high ?? 0) - from) });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.admin?.disconnect();
    await this.producer.disconnect();
  }
}

/** Collects batches and hands them over together, one handover at a time. */
class Lane {
  private pending: { messages: Delivered[]; settle(err?: unknown): void }[] = [];
  private running = false;

  constructor(private handler: BatchHandler, private lingerMs: number) {}

  submit(messages: Delivered[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ messages, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      void this.drain();
    });
  }

  private async drain() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        if (this.lingerMs > 0) await new Promise((r) => setTimeout(r, this.lingerMs));
        const taken = this.pending.splice(0);
        try {
          await this.handler({ messages: taken.flatMap((t) => t.messages) });
          for (const t of taken) t.settle();
        } catch (err) {
          for (const t of taken) t.settle(err ?? new Error("batch failed"));
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/** Hand a batch to the handler and commit it; false when it must be read again. */
async function deliver(consumer: KafkaConsumer, handler: BatchHandler, topic: Topic, partition: number, messages: Delivered[]): Promise<boolean> {
  const first = messages[0]!;
  const next = String(messages.at(-1)!.offset + 1);
  try {
    await handler({ messages });
  } catch (err) {
    // Not committed: read the batch again after a pause.
    log.warn("batch failed, will redeliver", { topic, partition, error: err });
    await new Promise((r) => setTimeout(r, 200));
    consumer.seek({ topic, partition, offset: String(first.offset) });
    return false;
  }
  try {
    await consumer.commitOffsets([{ topic, partition, offset: next }]);
  } catch (err) {
    // Lost the partition in a rebalance: its next owner gets the batch again, and dedupes it.
    log.warn("offset commit failed", { topic, partition, error: err });
  }
  return true;
}

async function ensureTopics(admin: Admin, partitions: number) {
  const existing = new Set(await admin.listTopics());
  const missing = TOPICS.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) });
  }
  const meta = await admin.fetchTopicMetadata({ topics: [...TOPICS] });
  for (const t of meta.topics) {
    if (t.partitions.length !== partitions) {
      throw new Error(`topic ${t.name} has ${t.partitions.length} partitions, expected ${partitions}: every topic must have the same count`);
    }
  }
}

function asTopic(t: string): Topic {
  const topic = TOPICS.find((x) => x === t);
  if (!topic) throw new Error(`message from unknown topic ${t}`);
  return topic;
}
