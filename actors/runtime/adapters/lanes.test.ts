import { describe, expect, test } from "bun:test";
import type { Batch, Delivered } from "../bus.ts";
import { Lane, Watermarks } from "./lanes.ts";

const msg = (key: string, offset: number, partition = 0): Delivered => ({ topic: "order.events", partition, offset, key, value: `${key}#${offset}` });
const values = (b: Batch) => b.messages.map((m) => m.value);

/** A lane whose handler `hold`s some batches until `go`; what it was handed and what it finished. */
function watched(hold: (b: Batch) => Promise<void> | void) {
  const seen: string[][] = [];
  const done: string[] = [];
  const lane = new Lane(async (b) => {
    seen.push(values(b));
    await hold(b);
  }, 0, (d) => done.push(...d.map((m) => m.value)));
  return { lane, seen, done };
}

describe("lane", () => {
  test("a key stuck in a slow batch holds up only itself: free keys go ahead, its own later messages wait, in order", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { lane, seen, done } = watched(async (b) => {
      if (b.messages.some((m) => m.key === "slow")) await held;
    });
    lane.push([msg("slow", 0)]);
    await Bun.sleep(5);
    lane.push([msg("slow", 1), msg("quick", 2), msg("slow", 3), msg("quick", 4)]);
    for (let i = 0; i < 100 && !done.includes("quick#4"); i++) await Bun.sleep(10);
    expect(done).toEqual(["quick#2", "quick#4"]);
    expect(lane.depth).toBe(3); // slow#0 in hand, slow#1 and slow#3 queued behind it
    release();
    await lane.idle();
    expect(seen).toEqual([["slow#0"], ["quick#2", "quick#4"], ["slow#1", "slow#3"]]);
    expect(done).toEqual(["quick#2", "quick#4", "slow#0", "slow#1", "slow#3"]);
    expect(lane.depth).toBe(0);
  });

  test("what a batch releases goes free at once: its keys' next messages run while the rest waits on a provider", async () => {
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    const { lane, seen, done } = watched(async (b) => {
      if (!b.messages.some((m) => m.key === "pay")) return;
      b.release?.(b.messages.filter((m) => m.key !== "pay"));
      await answered;
    });
    lane.push([msg("pay", 0), msg("stock", 1), msg("view", 2)]);
    await Bun.sleep(5);
    lane.push([msg("stock", 3), msg("pay", 4)]);
    for (let i = 0; i < 100 && !done.includes("stock#3"); i++) await Bun.sleep(10);
    expect(done).toEqual(["stock#1", "view#2", "stock#3"]);
    expect(lane.depth).toBe(2); // pay#0 waits on its provider, pay#4 behind it
    answer();
    await lane.idle();
    expect(seen).toEqual([["pay#0", "stock#1", "view#2"], ["stock#3"], ["pay#4"]]);
    expect(done).toEqual(["stock#1", "view#2", "stock#3", "pay#0", "pay#4"]);
  });

  test("a batch that fails after releasing hands over again only what it had not released", async () => {
    const seen: string[][] = [];
    let failures = 0;
    const lane = new Lane(async (b) => {
      seen.push(values(b));
      if (failures++ > 0) return;
      b.release?.(b.messages.filter((m) => m.key !== "pay"));
      await Bun.sleep(20);
      throw new Error("provider answer lost with the connection");
    }, 0, () => {});
    lane.push([msg("pay", 0), msg("stock", 1)]);
    await lane.idle();
    expect(seen).toEqual([["pay#0", "stock#1"], ["pay#0"]]);
  });

  test("a failed batch is handed over again before anything of its keys that came after it", async () => {
    const seen: string[][] = [];
    let failures = 0;
    const lane = new Lane(async (b) => {
      seen.push(values(b));
      if (failures++ === 0) {
        await Bun.sleep(20);
        throw new Error("database away");
      }
    }, 0, () => {});
    lane.push([msg("a", 0), msg("b", 1)]);
    await Bun.sleep(5);
    lane.push([msg("a", 2)]);
    await lane.idle();
    expect(seen[0]).toEqual(["a#0", "b#1"]);
    expect(seen.slice(1).flat()).toEqual(["a#0", "b#1", "a#2"]);
  });
});

describe("watermarks", () => {
  test("the committed offset stops at the first message of a partition not yet done", () => {
    const w = new Watermarks();
    w.add([msg("a", 10), msg("b", 11), msg("c", 12), msg("d", 5, 1)]);
    expect(w.done([msg("b", 11), msg("c", 12)])).toEqual([]);
    expect(w.done([msg("a", 10)])).toEqual([{ topic: "order.events", partition: 0, offset: 13 }]);
    expect(w.done([msg("d", 5, 1)])).toEqual([{ topic: "order.events", partition: 1, offset: 6 }]);
    w.keep((tp) => !tp.endsWith("\u00000"));
    expect(w.done([msg("e", 13)])).toEqual([]);
  });
});
