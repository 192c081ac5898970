import { describe, expect, test } from "bun:test";
import { loopWithBackoff, retryWithBackoff } from "./backoff.ts";

/** Passes that fail or succeed as `script` says ("x" fails, "." succeeds), then stop; returns the pauses taken. */
async function pausesFor(script: string) {
  const pauses: number[] = [];
  const errors: unknown[] = [];
  let i = 0;
  await loopWithBackoff(() => i >= script.length, async () => {
    if (script[i++] === "x") throw new Error(`pass ${i}`);
  }, (err) => errors.push(err), { sleep: async (ms) => void pauses.push(ms) });
  return { pauses, errors: errors.length };
}

describe("loopWithBackoff", () => {
  test.each([
    ["passes that all succeed never pause", ".....", []],
    ["a failure pauses 50 ms", ".x.", [50]],
    ["failures in a row double the pause up to 2 s", "xxxxxxxx", [50, 100, 200, 400, 800, 1600, 2000, 2000]],
    ["a success starts the pauses again at 50 ms", "xxx.xx", [50, 100, 200, 50, 100]],
  ] as const)("%s", async (_, script, expected) => {
    const { pauses, errors } = await pausesFor(script);
    expect(pauses).toEqual([...expected]);
    expect(errors).toBe(expected.length);
  });

  test("a loop stopped before it starts runs no pass", async () => {
    let passes = 0;
    await loopWithBackoff(() => true, async () => void passes++, () => {});
    expect(passes).toBe(0);
  });
});

describe("retryWithBackoff", () => {
  const transient = new Error("transient");
  test("retries what is retryable, doubling the pause, and returns the first success", async () => {
    const pauses: number[] = [];
    const told: unknown[] = [];
    let calls = 0;
    const value = await retryWithBackoff(async () => {
      if (++calls <= 4) throw transient;
      return calls;
    }, { firstMs: 100, maxMs: 500, retryable: (e) => e === transient, waiting: (e) => told.push(e), sleep: async (ms) => void pauses.push(ms) });
    expect(value).toBe(5);
    expect(pauses).toEqual([100, 200, 400, 500]);
    expect(told).toEqual([transient, transient, transient, transient]);
  });

  test("throws a failure that is not retryable at once, without pausing", async () => {
    const pauses: number[] = [];
    const fatal = new Error("fatal");
    let calls = 0;
    const err = await retryWithBackoff(async () => {
      calls++;
      throw fatal;
    }, { retryable: (e) => e === transient, sleep: async (ms) => void pauses.push(ms) }).catch((e: unknown) => e);
    expect(err).toBe(fatal);
    expect(calls).toBe(1);
    expect(pauses).toEqual([]);
  });
});
