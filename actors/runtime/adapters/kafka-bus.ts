/**
 * The Bus on Kafka (kafkajs). Partitions are chosen with the same murmur2 hash as the
 * embedded log; a sticky co-partitioning assignor (kafka-assignor.ts) gives partition p of
 * every topic to one member, whose lanes (lanes.ts) handle one partition number at a
 * time, in order, so one key is never handled twice at once while different partitions run
 * in parallel. Fetching goes on while lanes work; offsets are committed up to what the
 * lanes have finished.
 */
import { Kafka, logLevel, type Admin, type Producer } from "kafkajs";
import type { Topic } from "../../contracts/index.ts";
import { parseTopic, TOPICS } from "../../contracts/index.ts";
import type { BatchHandler, Bus, BusRecord, Consumer, Delivered } from "../bus.ts";
import { Unavailable } from "../bus.ts";
import { partitionFor } from "./murmur2.ts";
import { Committer } from "./kafka-commits.ts";
import { Lane, tpKey, Watermarks } from "./lanes.ts";
import { log } from "../log.ts";
import { stickyCopartitioned } from "./kafka-assignor.ts";
import { leavePredecessor, rememberMember } from "./kafka-member.ts";
import { Doze } from "./kafka-doze.ts";

export type KafkaBusOptions = {
  brokers: string[];
  partitions: number;
  /** lanes per member: a partition number always goes to the same lane (default 2) */
  lanes?: number;
  /** how long a lane lets batches gather before handing them over as one (default 5 ms) */
  lingerMs?: number;
  clientId?: string;
  /** group session timeout; a rebalance waits up to this long for a member that died (default and Kafka's floor: 6 s) */
  sessionTimeoutMs?: number;
  /**
   * where this process keeps its group member id: the next start of the process sends
   * LeaveGroup for it, so the group rebalances at once instead of after the session timeout
   */
  memberFile?: string;
  /**
   * told after every publish, so that members dozing in other processes wake (kafka-doze.ts);
   * members in this process are woken directly
   */
  published?: () => void;
  /** quiet time after which a member stops fetching until woken (default 1 s; 0: never) */
  dozeAfterMs?: number;
};

/** how often a dozing member fetches anyway, and for how long */
const PEEK_MS = 1_000;
const LOOK_MS = 60;

export class KafkaBus implements Bus {
  readonly partitions: number;
  private consumers = new Set<Consumer>();
  private dozes = new Set<Doze>();
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
    // The first contact gives up on an unreachable cluster quickly and quietly: its caller
    // waits and says so, one line a try (startup.ts), instead of kafkajs's own retries
    // logging two lines per broker and attempt.
    const first = new Kafka({ clientId: opts.clientId ?? "saga-shop", brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 } });
    const admin = first.admin();
    try {
      await admin.connect();
      await ensureTopics(admin, opts.partitions);
    } finally {
      await admin.disconnect();
    }
    // Not idempotent: the librdkafka mock cluster used in tests rejects it. Consumers dedupe.
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 1 });
    try {
      await producer.connect();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
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
    this.wake();
    this.opts.published?.();
  }

  /** Records were published (here or by another process): members that doze fetch again. */
  wake(): void {
    for (const d of this.dozes) d.wake();
  }

  async consume(group: string, topics: readonly Topic[], handler: BatchHandler): Promise<Consumer> {
    // What this member holds, sent with every join so the leader keeps it here (sticky).
    let held: number[] = [];
    let cluster: unknown;
    const consumer = this.kafka.consumer({
      groupId: group,
      partitionAssigners: [stickyCopartitioned(() => held, (c) => (cluster = c))],
      sessionTimeout: this.opts.sessionTimeoutMs ?? 6_000,
      heartbeatInterval: 500,
      rebalanceTimeout: 10_000,
      // A fetch returns as soon as there is data; the cap bounds a hop's latency on brokers
      // (like the librdkafka mock) that hold an empty fetch for its full wait.
      maxWaitTimeInMs: 25,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, retries: 1_000_000 },
    });
    let stopping = false;
    let runConfig: Parameters<typeof consumer.run>[0];
    consumer.on(consumer.events.CRASH, (e) => {
      log.error("kafka consumer crashed", { group, error: e.payload.error, restart: e.payload.restart });
      // kafkajs gives up on an error it deems final (an odd answer to a SyncGroup, say) and
      // leaves the member stopped for good: run it again, so this process keeps its share.
      if (!e.payload.restart && !stopping) void rerun();
    });
    const rerun = async () => {
      for (let pause = 1_000; !stopping; pause = Math.min(pause * 2, 10_000)) {
        await sleep(pause);
        try {
          await consumer.connect();
          await consumer.run(runConfig);
          log.warn("kafka consumer started again after a crash", { group });
          return;
        } catch (err) {
          log.warn("starting the kafka consumer again failed", { group, error: err });
        }
      }
    };
    const committer = new Committer((offsets) => consumer.commitOffsets(offsets));
    const watermarks = new Watermarks();
    const lanes = Array.from({ length: this.opts.lanes ?? 2 },
      () => new Lane(handler, this.opts.lingerMs ?? 5, (done) => committer.note(watermarks.done(done))));
    // The highest offset queued per topic-partition: after a rebalance kafkajs fetches again
    // from the committed offset, and what is already queued or done is not queued twice.
    const queued = new Map<string, number>();
    const dozeAfter = this.opts.dozeAfterMs ?? 1_000;
    const doze = dozeAfter > 0 ? new Doze({
      idleMs: dozeAfter, peekMs: PEEK_MS, lookMs: LOOK_MS,
      // (both throw only before the first run, which the first join follows)
      pause: () => quietly(() => consumer.pause(topics.map((topic) => ({ topic })))),
      resume: () => quietly(() => consumer.resume(topics.map((topic) => ({ topic })))),
    }) : null;
    let joined!: () => void;
    const hasJoined = new Promise<void>((r) => (joined = r));
    consumer.on(consumer.events.REBALANCING, () => {
      // An eager rebalance takes every partition back, and any may move: finish what is
      // queued and commit it while the group re-forms, so a next owner starts after it (the
      // lanes go on meanwhile; partitions that stay here keep what is queued). Whatever a
      // refused commit leaves behind is redelivered there, and deduped.
      void Promise.all(lanes.map((l) => l.idle())).then(() => committer.flush())
        .catch((err) => log.warn("draining before a rebalance failed", { group, error: err }));
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      // Partitions given to another member: what is queued for them is theirs now.
      const mine = new Set(Object.entries(e.payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => tpKey(t, p))));
      for (const k of queued.keys()) if (!mine.has(k)) queued.delete(k);
      watermarks.keep((k) => mine.has(k));
      committer.keep((k) => mine.has(k));
      for (const lane of lanes) lane.keep((d) => mine.has(tpKey(d.topic, d.partition)));
      held = [...new Set(Object.values(e.payload.memberAssignment).flat())].sort((a, b) => a - b);
      if (this.opts.memberFile) rememberMember(this.opts.memberFile, e.payload.memberId);
      // partitions taken over may hold a backlog: fetch at once
      doze?.wake();
      joined();
    });
    // A start that fails here is tried again from the top by its caller: nothing is left behind.
    try {
      await consumer.connect();
      if (this.opts.memberFile) await leavePredecessor(cluster, group, this.opts.memberFile);
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
      runConfig = {
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.partitions * topics.length,
        eachBatch: async ({ batch, isRunning, isStale, resolveOffset, heartbeat }) => {
          if (batch.isEmpty() || !isRunning() || isStale()) return;
          doze?.wake();
          const topic = parseTopic(batch.topic);
          const k = tpKey(topic, batch.partition);
          const after = queued.get(k) ?? -1;
          const messages: Delivered[] = batch.messages.map((m) => ({
            topic, partition: batch.partition, offset: Number(m.offset), key: m.key?.toString() ?? "", value: m.value?.toString() ?? "",
          })).filter((d) => d.offset > after);
          const lane = lanes[batch.partition % lanes.length]!;
          if (messages.length > 0) {
            queued.set(k, messages.at(-1)!.offset);
            watermarks.add(messages);
            lane.push(messages);
          }
          // the fetch position moves on now; the committed offset follows once the lane is done
          resolveOffset(batch.lastOffset());
          // While the lane is full, fetching waits - but the membership must not: a member
          // that sends no heartbeat for the session timeout (6 s) is dropped from the group.
          while (!(await Promise.race([lane.room().then(() => true), sleep(1_000).then(() => false)]))) await heartbeat();
          await heartbeat();
        },
      };
      await consumer.run(runConfig);
      if (doze) this.dozes.add(doze);
    } catch (err) {
      doze?.stop();
      committer.close();
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    // Ready once the member holds partitions (a group forms in seconds; after a member died
    // without leaving, within the session timeout).
    await untilJoined(hasJoined, group);
    const c: Consumer = {
      depth: () => lanes.reduce((n, l) => n + l.depth, 0),
      stop: async () => {
        // Stop fetching, finish what is queued, commit it, then leave the group.
        stopping = true;
        if (doze) {
          doze.stop();
          this.dozes.delete(doze);
        }
        consumer.pause(topics.map((topic) => ({ topic })));
        await Promise.all(lanes.map((l) => l.idle()));
        await committer.flush();
        committer.close();
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
      const topic = parseTopic(t.topic);
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quietly(fn: () => void) {
  try {
    fn();
  } catch (err) {
    log.warn("kafka consumer: pause or resume failed", { error: err });
  }
}

/** Wait for the first join, saying every few seconds that it is still awaited. */
async function untilJoined(joined: Promise<void>, group: string) {
  const started = Date.now();
  let done = false;
  void joined.then(() => (done = true));
  for (let pause = 2_000; !done; pause = Math.min(pause * 2, 10_000)) {
    await Promise.race([joined, sleep(pause)]);
    if (!done) log.warn(`waiting for kafka: joining consumer group ${group}, ${Math.round((Date.now() - started) / 1000)}s so far`);
  }
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
