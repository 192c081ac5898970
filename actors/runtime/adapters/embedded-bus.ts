/**
 * The embedded event log: Kafka's model in the database. A topic has `partitions`
 * partitions, a record goes to the partition kafkajs would choose for its key, offsets
 * grow by one per partition, and each consumer group keeps its committed offsets.
 * Recent records are also kept in memory so consumers that keep up never read the table.
 *
 * A group's partitions are split over a few lanes; a lane reads what is pending on its
 * partitions into a mailbox that hands the free keys to the handler as one batch. With one
 * database connection, fewer and larger batches are what makes group commit pay off; a slow
 * batch (a provider timing out) holds up only its own keys.
 */
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { rowsOf } from "../../../db/rows.ts";
import { consumerOffsets, log } from "../../../db/schema.ts";
import type { Topic } from "../../contracts/index.ts";
import { loopWithBackoff } from "../backoff.ts";
import type { BatchHandler, Bus, BusRecord, Consumer, Delivered } from "../bus.ts";
import type { LogPosition } from "./embedded-log-trim.ts";
import { Lane as Mailbox, Watermarks } from "./lanes.ts";
import { partitionFor } from "./murmur2.ts";
import { log as logger } from "../log.ts";
import { Mutex, Signal } from "../signal.ts";

// Per topic-partition; a consumer further behind reads the table.
const TAIL = 2_000;
const FETCH = 500;
const MAX_BATCH = 2_000;

type Tail = { base: number; records: Delivered[] };
export type EmbeddedBusOptions = {
  partitions: number;
  lanes: number;
  /** how long a lane lets records gather after it is woken, so batches grow under load */
  lingerMs: number;
};

export class EmbeddedBus implements Bus {
  readonly partitions: number;
  readonly lanes: number;
  readonly lingerMs: number;
  private next = new Map<string, number>();
  private tails = new Map<string, Tail>();
  private signal = new Signal();
  private appendLock = new Mutex();
  private groups = new Map<string, Group>();

  private constructor(private db: Db, opts: EmbeddedBusOptions) {
    this.partitions = opts.partitions;
    this.lanes = Math.max(1, Math.min(opts.lanes, opts.partitions));
    this.lingerMs = opts.lingerMs;
  }

  /**
   * Open the log, resuming offsets from what is already stored. Its partition count is fixed
   * by the first start: opened with another, it refuses rather than strand records.
   */
  static async open(db: Db, opts: EmbeddedBusOptions): Promise<EmbeddedBus> {
    const bus = new EmbeddedBus(db, opts);
    const rows = await db
      .select({ topic: log.topic, partition: log.partition, max: sql<string>`max(${log.offset})` })
      .from(log)
      .groupBy(log.topic, log.partition);
    const written = Math.max(opts.partitions, ...rows.map((r) => r.partition + 1));
    await db.execute(sql`INSERT INTO runtime.log_partitions (partitions) VALUES (${written}) ON CONFLICT DO NOTHING`);
    const [fixed] = rowsOf(await db.execute(sql`SELECT partitions FROM runtime.log_partitions`)) as { partitions: number }[];
    if (fixed && fixed.partitions !== opts.partitions) {
      throw new Error(`the log in this database has ${fixed.partitions} partitions; it cannot be opened with ${opts.partitions}: set PARTITIONS=${fixed.partitions}`);
    }
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
      this.signal.notify();
    });
  }

  /** Join `group`: its members share the partitions, and every join or leave rebalances. */
  async consume(group: string, topics: readonly Topic[], handler: BatchHandler): Promise<Consumer> {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = new Group(this, group)));
    const member = new Member(this, group, topics, handler);
    await g.join(member);
    const joined = g;
    return { stop: () => joined.leave(member), depth: () => member.depth() };
  }

  async lag(group: string, topics: readonly Topic[]) {
    const committed = await this.committed(group);
    return topics.flatMap((topic) => Array.from({ length: this.partitions }, (_, partition) => {
      const k = tp(topic, partition);
      return { topic, partition, lag: Math.max(0, (this.next.get(k) ?? 0) - (committed.get(k) ?? 0)) };
    }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.leaveAll()));
  }

  /** Records of `topic`/`partition` from `offset` on, at most `limit` of them. */
  async read(topic: Topic, partition: number, offset: number, limit = FETCH): Promise<Delivered[]> {
    const k = tp(topic, partition);
    if (offset >= (this.next.get(k) ?? 0) || limit <= 0) return [];
    const tail = this.tails.get(k);
    if (tail && offset >= tail.base) return tail.records.slice(offset - tail.base, offset - tail.base + limit);
    const rows = await this.db
      .select({ topic: log.topic, partition: log.partition, offset: log.offset, key: log.key, value: log.value })
      .from(log)
      .where(and(eq(log.topic, topic), eq(log.partition, partition), gte(log.offset, offset)))
      .orderBy(asc(log.offset))
      .limit(limit);
    return rows.map((r) => ({ ...r, topic }));
  }

  /** Every partition written so far and the offset its next record gets (what `trimLog` needs). */
  positions(): LogPosition[] {
    return [...this.next].map(([k, next]) => {
      const cut = k.lastIndexOf("/");
      return { topic: k.slice(0, cut), partition: Number(k.slice(cut + 1)), next };
    });
  }

  wake(): void {
    this.signal.notify();
  }

  waitForRecords(ms: number): Promise<void> {
    return this.signal.wait(ms);
  }

  async committed(group: string): Promise<Map<string, number>> {
    const rows = await this.db.select().from(consumerOffsets).where(eq(consumerOffsets.groupId, group));
    return new Map(rows.map((r) => [tp(r.topic, r.partition), r.offset]));
  }

  async commit(group: string, positions: { topic: Topic; partition: number; offset: number }[]): Promise<void> {
    if (positions.length === 0) return;
    await this.db.insert(consumerOffsets).values(positions.map((p) => ({ groupId: group, ...p })))
      .onConflictDoUpdate({
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

type Source = { topic: Topic; partition: number; position: number; committed: number };

/**
 * A consumer group in this process. Partition numbers are split into contiguous ranges,
 * one per member, the same for every topic (co-partitioning). A rebalance first drains
 * every member (batches in hand finish and commit), then hands out the new ranges.
 */
class Group {
  members: Member[] = [];
  private lock = new Mutex();

  constructor(private bus: EmbeddedBus, readonly name: string) {}

  join(m: Member) {
    return this.lock.run(async () => {
      this.members.push(m);
      await this.rebalance();
    });
  }

  leave(m: Member) {
    return this.lock.run(async () => {
      this.members = this.members.filter((x) => x !== m);
      await m.revoke();
      await this.rebalance();
    });
  }

  leaveAll() {
    return this.lock.run(async () => {
      await Promise.all(this.members.map((m) => m.revoke()));
      this.members = [];
    });
  }

  private async rebalance() {
    await Promise.all(this.members.map((m) => m.revoke()));
    const n = this.bus.partitions;
    const per = Math.ceil(n / Math.max(1, this.members.length));
    await Promise.all(this.members.map((m, i) =>
      m.assign(Array.from({ length: n }, (_, p) => p).filter((p) => Math.floor(p / per) === i))));
  }
}

/** One consumer of a group: its partitions, split over the bus's lanes. */
class Member {
  partitions: number[] = [];
  private lanes: Lane[] = [];

  constructor(private bus: EmbeddedBus, private group: string, private topics: readonly Topic[], private handler: BatchHandler) {}

  /** Messages in its lanes' hands (a lane reads only what it hands over). */
  depth() {
    return this.lanes.reduce((n, l) => n + l.inHand, 0);
  }

  async assign(partitions: number[]) {
    this.partitions = partitions;
    const count = Math.min(this.bus.lanes, partitions.length);
    this.lanes = await Promise.all(Array.from({ length: count }, (_, lane) => {
      const owned = partitions.filter((_, i) => i % count === lane);
      return Lane.start(this.bus, this.group, this.topics.flatMap((t) => owned.map((p) => ({ topic: t, partition: p }))), this.handler);
    }));
  }

  async revoke() {
    await Promise.all(this.lanes.map((l) => l.stop()));
    this.lanes = [];
    this.partitions = [];
  }
}

/**
 * One group's reader over a set of topic-partitions. It reads ahead into a mailbox lane
 * (lanes.ts), which hands the handler the keys that are free: one slow batch (a provider
 * taking its time) holds up only its own keys, as on Kafka. Offsets are committed up to the
 * first message not yet done (the watermark), at most twice a second: redelivery is a no-op.
 */
class Lane {
  private stopping = false;
  private done!: Promise<void>;
  private lastCommit = 0;
  private mailbox: Mailbox;
  private watermarks = new Watermarks();
  /** per topic-partition, the offset to commit next (what the watermark let through) */
  private finished = new Map<string, number>();

  private constructor(private bus: EmbeddedBus, private group: string, private sources: Source[], handler: BatchHandler) {
    this.mailbox = new Mailbox(handler, 0, (messages) => {
      for (const o of this.watermarks.done(messages)) this.finished.set(tp(o.topic, o.partition), o.offset);
      this.bus.wake();
    });
  }

  static async start(bus: EmbeddedBus, group: string, owned: { topic: Topic; partition: number }[], h: BatchHandler) {
    const committed = await bus.committed(group);
    const sources = owned.map((o) => {
      const at = committed.get(tp(o.topic, o.partition)) ?? 0;
      return { ...o, position: at, committed: at };
    });
    const lane = new Lane(bus, group, sources, h);
    lane.done = lane.run();
    return lane;
  }

  /** Messages read and not yet done. */
  get inHand() {
    return this.mailbox.depth;
  }

  /** Stop reading, let the batches in hand end, and commit what is done. */
  async stop() {
    this.stopping = true;
    this.bus.wake();
    await this.done;
    await this.mailbox.close();
    await this.flush(true).catch(() => undefined);
  }

  private async run() {
    await loopWithBackoff(() => this.stopping, () => this.pass(),
      // Not read: the same records are read again after a pause.
      (err) => logger.warn("reading the log failed, will read again", { group: this.group, error: err }));
  }

  /** Read what is pending on this lane's partitions into the mailbox, or wait for records. */
  private async pass() {
    await this.mailbox.room();
    const messages: Delivered[] = [];
    for (const s of this.sources) {
      messages.push(...(await this.bus.read(s.topic, s.partition, s.position, Math.min(FETCH, MAX_BATCH - messages.length))));
    }
    await this.flush(false);
    if (messages.length === 0) {
      await this.bus.waitForRecords(250);
      if (this.bus.lingerMs > 0) await new Promise((r) => setTimeout(r, this.bus.lingerMs));
      return;
    }
    for (const m of messages) {
      const s = this.sources.find((x) => x.topic === m.topic && x.partition === m.partition);
      if (s) s.position = Math.max(s.position, m.offset + 1);
    }
    this.watermarks.add(messages);
    this.mailbox.push(messages);
  }

  /** Offsets are committed at most twice a second: redelivery is a no-op anyway. */
  private async flush(force: boolean) {
    if (!force && Date.now() - this.lastCommit < 500) return;
    const moved = this.sources.flatMap((s) => {
      const at = this.finished.get(tp(s.topic, s.partition));
      return at !== undefined && at > s.committed ? [{ source: s, offset: at }] : [];
    });
    if (moved.length === 0) return;
    await this.bus.commit(this.group, moved.map(({ source, offset }) => ({ topic: source.topic, partition: source.partition, offset })));
    for (const m of moved) m.source.committed = m.offset;
    this.lastCommit = Date.now();
  }
}

const tp = (topic: string, partition: number) => `${topic}/${partition}`;
