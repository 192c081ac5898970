/**
 * Mailboxes between a log's fetcher (kafkajs, or the embedded log's reader) and the handler.
 * Fetching never waits for processing: a fetched batch is queued in the lane its partition
 * belongs to, and the lane hands what is queued to the handler as one batch (one
 * transaction), so batches grow with the load.
 *
 *   fetch ─▶ lane queue ─▶ batch of the keys not in flight ─▶ handler ─▶ watermark ─▶ commit
 *
 * One key is never in two batches at once and its messages go in offset order; a batch
 * that fails goes back to the front of the queue, its keys held until then. A batch waits
 * for the one in flight (group commit), unless that one has taken longer than SLOW_MS (a
 * provider taking its time): then the keys that are free go ahead. A handler may release
 * the messages it has finished while the rest of their batch waits on a provider: their keys
 * go free at once, and a batch that holds only keys waiting on providers no longer counts
 * against MAX_IN_FLIGHT (up to MAX_WAITING of them). Offsets are committed up to the first
 * message of each partition not yet done (the watermark).
 */
import type { Topic } from "../../contracts/index.ts";
import type { BatchHandler, Delivered } from "../bus.ts";
import { log } from "../log.ts";

/** A lane stops taking fetched batches while this many messages wait in it. */
const HIGH_WATER = 5_000;
/** At most this many messages go to the handler at once. */
const MAX_BATCH = 2_000;
/** A batch in flight this long no longer holds up the keys that are free. */
const SLOW_MS = 50;
const MAX_IN_FLIGHT = 4;
/** Batches whose other keys were released, waiting only on providers' answers. */
const MAX_WAITING = 16;
const RETRY_MS = 200;

export const tpKey = (topic: string, partition: number) => `${topic}\0${partition}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Lane {
  private queue: Delivered[] = [];
  /** keys of the batches in flight */
  private busy = new Set<string>();
  private inFlight = 0;
  private started: number[] = [];
  /** batches in flight that released what did not wait on a provider */
  private waiting = 0;
  private pumping = false;
  private later: ReturnType<typeof setTimeout> | null = null;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private handler: BatchHandler, private lingerMs: number, private onDone: (done: Delivered[]) => void) {}

  push(messages: Delivered[]) {
    this.queue.push(...messages);
    void this.pump();
  }

  /** Messages queued or in the handler's hands. */
  get depth() {
    return this.queue.length + this.inFlight;
  }

  /** Resolves once the lane has room for more (backpressure on fetching). */
  async room(): Promise<void> {
    while (this.queue.length >= HIGH_WATER) await this.changed();
  }

  /** Resolves once everything queued has been handled. */
  async idle(): Promise<void> {
    while (this.started.length > 0 || this.queue.length > 0) await this.changed();
  }

  /**
   * Hand nothing more over and drop what is queued; resolves once the batches in hand have
   * ended (one that fails is not queued again). What was not done is redelivered from the
   * committed offset to whoever owns its partition next.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.queue = [];
    if (this.later) clearTimeout(this.later), (this.later = null);
    while (this.started.length > 0) await this.changed();
  }

  /** Drop queued messages that fail `keep` (partitions this member no longer owns). */
  keep(keep: (d: Delivered) => boolean) {
    this.queue = this.queue.filter(keep);
    this.notify();
  }

  private changed(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queue.length > 0 && this.started.length - this.waiting < MAX_IN_FLIGHT && this.waiting < MAX_WAITING) {
        const oldest = this.started[0];
        if (oldest !== undefined && Date.now() - oldest < SLOW_MS) {
          // the batch in flight is quick: let messages gather behind it, unless it stalls
          this.later ??= setTimeout(() => ((this.later = null), void this.pump()), oldest + SLOW_MS - Date.now());
          return;
        }
        if (this.lingerMs > 0 && this.queue.length < MAX_BATCH) await sleep(this.lingerMs);
        const taken = this.take();
        if (taken.length === 0) return;
        void this.run(taken);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Up to MAX_BATCH queued messages of keys not in flight, in queue order. Once the limit is
   * reached nothing more is taken, so no key's later message goes ahead of an earlier one.
   */
  private take(): Delivered[] {
    const taken: Delivered[] = [];
    const left: Delivered[] = [];
    for (const d of this.queue) {
      if (taken.length < MAX_BATCH && !this.busy.has(d.key)) taken.push(d);
      else left.push(d);
    }
    this.queue = left;
    return taken;
  }

  private async run(taken: Delivered[]) {
    const at = Date.now();
    this.started.push(at);
    const keys = new Set(taken.map((d) => d.key));
    for (const k of keys) this.busy.add(k);
    this.inFlight += taken.length;
    const released = new Set<Delivered>();
    const release = (done: Delivered[]) => {
      const fresh = done.filter((d) => !released.has(d));
      if (fresh.length === 0) return;
      if (released.size === 0) this.waiting++;
      for (const d of fresh) released.add(d), keys.delete(d.key), this.busy.delete(d.key);
      this.inFlight -= fresh.length;
      this.onDone(fresh);
      this.notify();
      void this.pump();
    };
    const rest = () => (released.size === 0 ? taken : taken.filter((d) => !released.has(d)));
    try {
      await this.handler({ messages: taken, release });
      this.onDone(rest());
    } catch (err) {
      log.warn("batch failed, will hand it over again", { messages: taken.length - released.size, error: err });
      await sleep(RETRY_MS);
      if (!this.closed) this.queue.unshift(...rest()); // first again, before anything of its keys queued since
    } finally {
      this.inFlight -= taken.length - released.size;
      // a released key may be in a newer batch by now: only the keys still held here go free
      for (const k of keys) this.busy.delete(k);
      if (released.size > 0) this.waiting--;
      this.started.splice(this.started.indexOf(at), 1);
      this.notify();
      void this.pump();
    }
  }
}

/** Per topic-partition, the offsets handed to lanes and not yet done; the first of them is the watermark. */
export class Watermarks {
  private parts = new Map<string, { topic: Topic; partition: number; pending: number[]; head: number; done: Set<number>; next: number }>();

  add(messages: Delivered[]) {
    for (const m of messages) {
      const k = tpKey(m.topic, m.partition);
      let p = this.parts.get(k);
      if (!p) this.parts.set(k, (p = { topic: m.topic, partition: m.partition, pending: [], head: 0, done: new Set(), next: m.offset }));
      p.pending.push(m.offset);
    }
  }

  /** Mark `messages` done; returns the partitions whose watermark moved, with the offset to commit. */
  done(messages: Delivered[]): { topic: Topic; partition: number; offset: number }[] {
    const moved = new Set<string>();
    for (const m of messages) {
      const k = tpKey(m.topic, m.partition);
      const p = this.parts.get(k);
      if (!p) continue; // a partition given away meanwhile
      p.done.add(m.offset);
      while (p.head < p.pending.length && p.done.has(p.pending[p.head]!)) {
        p.done.delete(p.pending[p.head]!);
        p.next = p.pending[p.head]! + 1;
        p.head++;
        moved.add(k);
      }
      if (p.head > 1024 && p.head * 2 > p.pending.length) (p.pending = p.pending.slice(p.head)), (p.head = 0);
    }
    return [...moved].map((k) => this.parts.get(k)!).map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next }));
  }

  /** Forget partitions that fail `keep` (given to another member). */
  keep(keep: (tp: string) => boolean) {
    for (const k of this.parts.keys()) if (!keep(k)) this.parts.delete(k);
  }
}
