/**
 * The embedded event log: Kafka's model in the database. A topic has `partitions`
 * partitions, a record goes to the partition kafkajs would choose for its key, offsets
 * grow by one per partition, and each consumer group keeps its committed offsets.
 * Recent records are also kept in memory so consumers that keep up never read the table.
 */
import { and, eq, gte, asc, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { consumerOffsets, log } from "../../db/schema.ts";
import type { Topic } from "../contracts/index.ts";
import type { BatchHandler, Bus, BusRecord, Consumer, Delivered } from "./bus.ts";
import { partitionFor } from "./murmur2.ts";
import { Mutex, Signal } from "./signal.ts";

const TAIL = 20_000;
const FETCH = 500;

type Tail = { base: number; records: Delivered[] };

export class EmbeddedBus implements Bus {
  private next = new Map<string, number>();
  private tails = new Map<string, Tail>();
  private signals: Signal[];
  private appendLock = new Mutex();
  private consumers = new Set<Consumer>();

  private constructor(private db: Db, readonly partitions: number) {
    this.signals = Array.from({ length: partitions }, () => new Signal());
  }

  /** Open the log, resuming offsets from what is already stored. */
  static async open(db: Db, partitions: number): Promise<EmbeddedBus> {
    const bus = new EmbeddedBus(db, partitions);
    const rows = await db
      .select({ topic: log.topic, partition: log.partition, max: sql<string>`max(${log.offset})` })
      .from(log)
      .groupBy(log.topic, log.partition);
    for (const r of rows) bus.next.set(tp(r.topic, r.partition), Number(r.max) + 1);
    return bus;
  }

  publish(records: BusRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    // Offsets are handed out and written under one lock, so they commit in order.
    return this.appendLock.run(async () => {
      const next = new Map<string, number>();
      const out: Delivered[] = records.map((r) => {
        const partition = partitionFor(r.key, this.partitions);
        const k = tp(r.topic, partition);
        const offset = next.get(k) ?? this.next.get(k) ?? 0;
        next.set(k, offset + 1);
        return { ...r, partition, offset };
      });
      for (let i = 0; i < out.length; i += 1000) {
        await this.db.insert(log).values(out.slice(i, i + 1000));
      }
      for (const [k, v] of next) this.next.set(k, v);
      for (const d of out) this.remember(d);
      for (const p of new Set(out.map((d) => d.partition))) this.signals[p]?.notify();
    });
  }

  async consume(group: string, topics: readonly Topic[], handler: BatchHandler): Promise<Consumer> {
    const loops = await Promise.all(
      Array.from({ length: this.partitions }, (_, p) => PartitionLoop.start(this, group, topics, p, handler)),
    );
    const consumer: Consumer = {
      stop: async () => {
        await Promise.all(loops.map((l) => l.stop()));
        this.consumers.delete(consumer);
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }

  /** Records of `topic`/`partition` from `offset` on, at most FETCH of them. */
  async read(topic: Topic, partition: number, offset: number): Promise<Delivered[]> {
    const k = tp(topic, partition);
    if (offset >= (this.next.get(k) ?? 0)) return [];
    const tail = this.tails.get(k);
    if (tail && offset >= tail.base) return tail.records.slice(offset - tail.base, offset - tail.base + FETCH);
    const rows = await this.db
      .select({ topic: log.topic, partition: log.partition, offset: log.offset, key: log.key, value: log.value })
      .from(log)
      .where(and(eq(log.topic, topic), eq(log.partition, partition), gte(log.offset, offset)))
      .orderBy(asc(log.offset))
      .limit(FETCH);
    return rows.map((r) => ({ ...r, topic }));
  }

  wake(partition: number): void {
    this.signals[partition]?.notify();
  }

  waitFor(partition: number, ms: number): Promise<void> {
    return this.signals[partition]?.wait(ms) ?? Promise.resolve();
  }

  async committed(group: string, topics: readonly Topic[], partition: number): Promise<Map<Topic, number>> {
    const rows = await this.db.select().from(consumerOffsets)
      .where(and(eq(consumerOffsets.groupId, group), eq(consumerOffsets.partition, partition)));
    const at = new Map(rows.map((r) => [r.topic, r.offset]));
    return new Map(topics.map((t) => [t, at.get(t) ?? 0]));
  }

  async commit(group: string, partition: number, positions: Map<Topic, number>): Promise<void> {
    const values = [...positions].map(([topic, offset]) => ({ groupId: group, topic, partition, offset }));
    await this.db.insert(consumerOffsets).values(values).onConflictDoUpdate({
      target: [consumerOffsets.groupId, consumerOffsets.topic, consumerOffsets.partition],
      set: { offset: sql`excluded."offset"` },
    });
  }

  private remember(d: Delivered) {
    const k = tp(d.topic, d.partition);
    let tail = this.tails.get(k);
    if (!tail || tail.base + tail.records.length !== d.offset) {
      tail = { base: d.offset, records: [] };
      this.tails.set(k, tail);
    }
    tail.records.push(d);
    if (tail.records.length > TAIL) {
      const drop = tail.records.length - TAIL / 2;
      tail.records = tail.records.slice(drop);
      tail.base += drop;
    }
  }
}

/** One group's loop over one partition number of all its topics. */
class PartitionLoop {
  private stopping = false;
  private done!: Promise<void>;
  private lastCommit = 0;
  private dirty = false;

  private constructor(
    private bus: EmbeddedBus,
    private group: string,
    private topics: readonly Topic[],
    private partition: number,
    private handler: BatchHandler,
    private positions: Map<Topic, number>,
  ) {}

  static async start(bus: EmbeddedBus, group: string, topics: readonly Topic[], p: number, h: BatchHandler) {
    const loop = new PartitionLoop(bus, group, topics, p, h, await bus.committed(group, topics, p));
    loop.done = loop.run();
    return loop;
  }

  async stop() {
    this.stopping = true;
    this.bus.wake(this.partition);
    await this.done;
  }

  private async run() {
    let backoff = 50;
    while (!this.stopping) {
      try {
        const messages = (await Promise.all(
          this.topics.map((t) => this.bus.read(t, this.partition, this.positions.get(t) ?? 0)),
        )).flat();
        if (messages.length === 0) {
          await this.flush(false);
          await this.bus.waitFor(this.partition, 250);
          continue;
        }
        await this.handler({ partition: this.partition, messages });
        for (const m of messages) {
          this.positions.set(m.topic, Math.max(this.positions.get(m.topic) ?? 0, m.offset + 1));
        }
        this.dirty = true;
        await this.flush(false);
        backoff = 50;
      } catch (err) {
        // Not committed: the same records come again after a pause.
        console.error(JSON.stringify({ level: "warn", msg: "batch failed, will redeliver", group: this.group, partition: this.partition, error: String(err) }));
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 2000);
      }
    }
    await this.flush(true).catch(() => undefined);
  }

  /** Offsets are committed at most every 100 ms: redelivery is a no-op anyway. */
  private async flush(force: boolean) {
    if (!this.dirty || (!force && Date.now() - this.lastCommit < 100)) return;
    await this.bus.commit(this.group, this.partition, this.positions);
    this.dirty = false;
    this.lastCommit = Date.now();
  }
}

const tp = (topic: string, partition: number) => `${topic}/${partition}`;
