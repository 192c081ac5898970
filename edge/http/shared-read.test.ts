import { describe, expect, test } from "bun:test";
import { recentReads, sharedRead } from "./shared-read.ts";

test("callers that accept a read started since their time share it; a later time starts a new one", async () => {
  let reads = 0;
  const read = sharedRead(async () => ++reads);
  const t = Date.now();
  expect(await Promise.all([read(t - 1000), read(t - 1000), read(t - 500)])).toEqual([1, 1, 1]);
  expect(await read(t - 1000)).toBe(1);
  await Bun.sleep(5);
  expect(await read(Date.now())).toBe(2); // a change heard after the last read began
  expect(reads).toBe(2);
});

test("a failed read is not handed to the next caller", async () => {
  let n = 0;
  const read = sharedRead(async () => {
    if (++n === 1) throw new Error("database away");
    return n;
  });
  await expect(read(0)).rejects.toThrow("database away");
  expect(await read(0)).toBe(2);
});

describe("recentReads", () => {
  test("callers of one key share a read until it is forgotten or too old; other keys read on their own", async () => {
    const reads: string[] = [];
    const r = recentReads(async (key: string) => `${key}${reads.push(key)}`, { maxAgeMs: 30 });
    expect(await Promise.all([r.get("a"), r.get("a"), r.get("b")])).toEqual(["a1", "a1", "b2"]);
    r.forget("a");
    expect(await r.get("a")).toBe("a3");
    expect(await r.get("b")).toBe("b2");
    await Bun.sleep(40);
    expect(await r.get("b")).toBe("b4");
    r.clear();
    expect(await r.get("b")).toBe("b5");
  });

  test("a read in flight when its key is forgotten serves its callers but not the next", async () => {
    let release = () => {};
    let n = 0;
    const r = recentReads(async () => {
      const mine = ++n;
      if (mine === 1) await new Promise<void>((resolve) => (release = resolve));
      return mine;
    }, { maxAgeMs: 60_000 });
    const first = r.get("k");
    r.forget("k"); // a change committed while the first read ran
    const second = r.get("k");
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    expect(await r.get("k")).toBe(2);
  });

  test("past maxEntries the oldest key goes; a failed read is not kept", async () => {
    let n = 0;
    const r = recentReads(async (key: string) => {
      n++;
      if (key === "bad") throw new Error("database away");
      return key;
    }, { maxAgeMs: 60_000, maxEntries: 2 });
    await r.get("a");
    await r.get("b");
    await r.get("c"); // "a" goes
    await r.get("b");
    expect(n).toBe(3);
    await r.get("a");
    expect(n).toBe(4);
    await expect(r.get("bad")).rejects.toThrow("database away");
    await expect(r.get("bad")).rejects.toThrow("database away");
    expect(n).toBe(6);
  });
});
