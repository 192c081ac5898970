/**
 * Kafka's offset commits for the lanes (lanes.ts): what the watermarks let through.
 */
import type { Topic } from "../../contracts/index.ts";
import { log } from "../log.ts";
import { tpKey } from "./lanes.ts";

/**
 * Commits offsets, coalescing what moves while a commit is in flight; never two at once. A
 * refused commit (the group rebalancing, the broker away) is tried again a second later, or
 * with the next one, and said once per run of refusals.
 */
export class Committer {
  private pending = new Map<string, { topic: Topic; partition: number; offset: number }>();
  private inFlight: Promise<void> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private failing = false;

  constructor(private commit: (offsets: { topic: string; partition: number; offset: string }[]) => Promise<void>) {}

  note(offsets: { topic: Topic; partition: number; offset: number }[]) {
    this.put(offsets);
    void this.flush();
  }

  /** Forget offsets of partitions that fail `keep` (given to another member, who commits them). */
  keep(keep: (tp: string) => boolean) {
    for (const k of this.pending.keys()) if (!keep(k)) this.pending.delete(k);
  }

  private put(offsets: { topic: Topic; partition: number; offset: number }[]) {
    for (const o of offsets) {
      const k = tpKey(o.topic, o.partition);
      if ((this.pending.get(k)?.offset ?? -1) < o.offset) this.pending.set(k, o);
    }
  }

  /** Commit everything noted so far (waits for a commit in flight first). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.size === 0) return;
    if (this.retry) clearTimeout(this.retry), (this.retry = null);
    const taken = [...this.pending.values()];
    this.pending.clear();
    this.inFlight = this.commit(taken.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })))
      .then(() => {
        this.failing = false;
      }, (err) => {
        if (!this.failing) log.warn("offset commit refused, will try again", { partitions: taken.length, error: err });
        this.failing = true;
        this.put(taken);
        this.retry ??= setTimeout(() => ((this.retry = null), void this.flush()), 1_000);
      })
      .finally(() => (this.inFlight = null));
    await this.inFlight;
  }

  /** Stop retrying. */
  close() {
    if (this.retry) clearTimeout(this.retry), (this.retry = null);
  }
}
