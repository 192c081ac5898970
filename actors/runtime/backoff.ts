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
