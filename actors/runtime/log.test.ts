import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { currentCorrelationId, log, setLogWriter, withCorrelation, type Level, type LogWriter } from "./log.ts";

let lines: { line: string; level: Level }[] = [];
let previous: LogWriter;
beforeEach(() => {
  lines = [];
  previous = setLogWriter((line, level) => lines.push({ line, level }));
});
afterEach(() => setLogWriter(previous));

/** Every captured line parsed; a line that is not one JSON object fails the test here. */
const records = (): Record<string, unknown>[] => lines.map(({ line }) => {
  expect(line).not.toContain("\n");
  const r: unknown = JSON.parse(line);
  if (typeof r !== "object" || r === null || Array.isArray(r)) throw new Error(`not a JSON object: ${line}`);
  return Object.fromEntries(Object.entries(r));
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("log", () => {
  test("one JSON object per line: time, level, msg, then the fields; core keys cannot be overwritten", () => {
    log.info("order placed", { orderId: "o-1", total: 1200, msg: "spoofed", level: "debug" });
    log.warn("slow provider\nsecond line");
    log.error("boom");
    expect(lines.map((l) => l.level)).toEqual(["info", "warn", "error"]);
    const [placed, slow, boom] = records();
    expect(Object.keys(placed!)).toEqual(["time", "level", "msg", "orderId", "total"]);
    expect(placed).toMatchObject({ level: "info", msg: "order placed", orderId: "o-1", total: 1200 });
    expect(new Date(String(placed!.time)).toISOString()).toBe(String(placed!.time));
    expect(slow).toMatchObject({ level: "warn", msg: "slow provider\nsecond line" });
    expect(boom).toMatchObject({ level: "error", msg: "boom" });
    expect(placed).not.toHaveProperty("correlationId");
  });

  test("errors keep message and stack; bigints and cycles do not make logging throw", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.error("provider failed", { error: new Error("card declined", { cause: "issuer" }), offset: 12n });
    expect(() => log.error("cyclic", { cyclic })).not.toThrow();
    const [failed, cycle] = records();
    expect(failed!.offset).toBe("12");
    expect(failed!.error).toMatchObject({
      name: "Error", message: "card declined", cause: "issuer", stack: expect.stringContaining("log.test.ts"),
    });
    expect(cycle).toMatchObject({ level: "error", msg: "cyclic" });
    expect(String(cycle!.logError)).toContain("not serializable");
  });

  test("lines inside withCorrelation carry the id across awaits and timers; nesting restores the outer id", async () => {
    const result = await withCorrelation("order-1", async () => {
      log.info("start");
      await sleep(1);
      await withCorrelation("order-2", async () => {
        await new Promise<void>((done) => setTimeout(() => (log.info("inner timer"), done()), 5));
      });
      queueMicrotask(() => log.info("microtask"));
      await sleep(1);
      log.info("explicit", { correlationId: "order-9" });
      return currentCorrelationId();
    });
    log.info("outside");
    expect(result).toBe("order-1");
    expect(records().map((r) => [r.msg, r.correlationId])).toEqual([
      ["start", "order-1"], ["inner timer", "order-2"], ["microtask", "order-1"], ["explicit", "order-9"], ["outside", undefined],
    ]);
  });

  test("concurrent contexts never see each other's id", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `order-${i}`);
    await Promise.all(ids.map((id, i) => withCorrelation(id, async () => {
      // Interleave: later ids wake first, so every step runs between other contexts' steps.
      await sleep((ids.length - i) % 7);
      log.info("step", { expect: id });
      await sleep(i % 5);
      setTimeout(() => log.info("late", { expect: id }), i % 3);
      await sleep(5);
    })));
    const all = records();
    expect(all).toHaveLength(40);
    for (const r of all) expect(r.correlationId).toBe(String(r.expect));
    expect(new Set(all.map((r) => r.correlationId)).size).toBe(20);
  });
});
