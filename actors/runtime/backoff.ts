/**
 * The loop of a long-running worker (relay, log lanes) that must outlive failures: a pass
 * that throws is told, not thrown, and the next waits 50 ms, doubling to 2 s while passes
 * keep failing - quick after a blip, gentle on a database or broker that is down.
 */
export type BackoffOptions = {
  firstMs?: number;
  maxMs?: number;
  /** how a pause is waited out (tests count the pauses instead) */
  sleep?: (ms: number) => Promise<void>;
};

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run `pass` until `stopped()`; after each failure tell `failed` and pause, longer while failures follow each other. */
export async function loopWithBackoff(
  stopped: () => boolean, pass: () => Promise<void>, failed: (err: unknown) => void, opts: BackoffOptions = {},
): Promise<void> {
  const { firstMs = 50, maxMs = 2_000, sleep = wait } = opts;
  let pause = firstMs;
  while (!stopped()) {
    try {
      await pass();
      pause = firstMs;
    } catch (err) {
      failed(err);
      await sleep(pause);
      pause = Math.min(pause * 2, maxMs);
    }
  }
}

export type RetryOptions = BackoffOptions & {
  /** true for a failure worth waiting out; any other is thrown at once */
  retryable: (err: unknown) => boolean;
  /** told before each pause, with how long it will be */
  waiting?: (err: unknown, pauseMs: number) => void;
};

/**
 * Run `step` until it succeeds: a retryable failure is told and waited out, the pause
 * doubling from `firstMs` to `maxMs`; any other failure is thrown. It never gives up on a
 * retryable one - a dependency that is not up yet is waited for, however long it takes.
 */
export async function retryWithBackoff<T>(step: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const { firstMs = 50, maxMs = 2_000, sleep = wait } = opts;
  for (let pause = firstMs; ; pause = Math.min(pause * 2, maxMs)) {
    try {
      return await step();
    } catch (err) {
      if (!opts.retryable(err)) throw err;
      opts.waiting?.(err, pause);
      await sleep(pause);
    }
  }
}
