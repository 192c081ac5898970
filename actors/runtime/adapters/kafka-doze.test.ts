import { describe, expect, test } from "bun:test";
import { Doze } from "./kafka-doze.ts";

const until = async (what: () => boolean) => {
  while (!what()) await Bun.sleep(2);
};

function dozing(peekMs = 10_000) {
  const calls: string[] = [];
  const doze = new Doze({ idleMs: 20, peekMs, lookMs: 5, pause: () => calls.push("pause"), resume: () => calls.push("resume") });
  return { doze, calls };
}

describe("Doze", () => {
  test("is awake from the first wake, and pauses once nothing arrived for its quiet time", async () => {
    const { doze, calls } = dozing();
    doze.wake();
    expect(doze.asleep).toBe(false);
    await until(() => doze.asleep);
    expect(calls).toEqual(["pause"]);
    doze.stop();
  });

  test("records that keep arriving keep it awake", async () => {
    const { doze, calls } = dozing();
    doze.wake();
    const t0 = Date.now();
    while (Date.now() - t0 < 60) {
      doze.wake();
      await Bun.sleep(5);
    }
    expect(calls).toEqual([]);
    doze.stop();
  });

  test("a wake-up resumes a dozing member at once, and it dozes again after the quiet time", async () => {
    const { doze, calls } = dozing();
    doze.wake();
    await until(() => doze.asleep);
    doze.wake();
    expect(calls).toEqual(["pause", "resume"]);
    expect(doze.asleep).toBe(false);
    await until(() => doze.asleep);
    expect(calls).toEqual(["pause", "resume", "pause"]);
    doze.stop();
  });

  test("a dozing member looks by itself now and then, in case a wake-up was missed", async () => {
    const { doze, calls } = dozing(15);
    doze.wake();
    await until(() => calls.length >= 4);
    expect(calls.slice(0, 4)).toEqual(["pause", "resume", "pause", "resume"]);
    doze.stop();
  });

  test("once stopped it neither pauses nor resumes", async () => {
    const { doze, calls } = dozing(5);
    doze.wake();
    doze.stop();
    doze.wake();
    await Bun.sleep(40);
    expect(calls).toEqual([]);
  });
});
