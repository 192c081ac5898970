import { expect, test } from "bun:test";
import { sharedRead } from "./shared-read.ts";

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
