/**
 * A wake-up signal: `wait` resolves at the next `notify` or after `ms`. A notify that finds
 * nobody waiting is kept for the next `wait`, so work announced mid-step is never missed.
 */
export class Signal {
  private waiters = new Set<() => void>();
  private missed = false;

  notify(): void {
    if (this.waiters.size === 0) {
      this.missed = true;
      return;
    }
    const ws = this.waiters;
    this.waiters = new Set();
    for (const w of ws) w();
  }

  wait(ms: number): Promise<void> {
    if (this.missed) {
      this.missed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}

/** Runs async sections one at a time. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * `fn` at most once per `ms`: the first call schedules it, calls until it runs join that
 * run. For wake-ups whose receiver takes everything that is pending anyway.
 */
export function coalesced(fn: () => Promise<unknown>, ms: number, onError: (err: unknown) => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      fn().catch(onError);
    }, ms);
  };
}
