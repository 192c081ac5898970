/**
 * When a consumer dozes. A kafkajs member sends a fetch per broker as soon as the last one
 * answered, and a broker that holds an empty fetch only for its wait (the librdkafka mock
 * does) makes an idle member fetch forty times a second per broker, each request naming
 * every partition it holds. Once nothing has arrived for `idleMs` the member pauses its
 * partitions (kafkajs then sends no fetch at all) and wakes when told that records were
 * published, or every `peekMs` for a short look in case a wake-up was missed. While records
 * flow it never dozes, so no hop waits longer than before; the first hop after a quiet
 * spell waits for the wake-up (a NOTIFY) and the next fetch.
 */
export type DozeOptions = {
  /** quiet time before dozing */
  idleMs: number;
  /** how often a dozing member looks anyway */
  peekMs: number;
  /** how long a look lasts (a few fetches) */
  lookMs: number;
  pause(): void;
  resume(): void;
};

export class Doze {
  private awakeUntil = 0;
  private dozing = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  /** Awake from the first `wake` on (the member's first join). */
  constructor(private opts: DozeOptions) {}

  /** true while the partitions are paused for quiet */
  get asleep(): boolean {
    return this.dozing;
  }

  /** Records arrived or were published: fetch for at least `idleMs` more. */
  wake(ms = this.opts.idleMs): void {
    if (this.stopped) return;
    this.awakeUntil = Math.max(this.awakeUntil, Date.now() + ms);
    if (this.dozing) {
      this.dozing = false;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.opts.resume();
    }
    // a timer already set fires no later than it should, and checks again then
    this.timer ??= setTimeout(() => this.check(), this.awakeUntil - Date.now());
  }

  /** No more dozing or waking (the member is stopping and pauses for good itself). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private check() {
    this.timer = null;
    if (this.stopped) return;
    const left = this.awakeUntil - Date.now();
    if (left > 0) {
      this.timer = setTimeout(() => this.check(), left);
      return;
    }
    this.dozing = true;
    this.opts.pause();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake(this.opts.lookMs);
    }, this.opts.peekMs);
  }
}
