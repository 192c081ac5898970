import { expect, test } from "bun:test";
import { COORDINATOR, faultSchedule, runFaults, type Targets } from "./faults.ts";
import type { FaultEvent } from "./invariants.ts";

const opts = { seed: 7, durationMs: 60_000, everyMs: 5_000, actors: 2, edges: 2, brokers: 3 };

test("the same seed gives the same schedule, another seed another", () => {
  expect(faultSchedule(opts)).toEqual(faultSchedule(opts));
  expect(faultSchedule({ ...opts, seed: 8 })).not.toEqual(faultSchedule(opts));
});

test("every kind of fault is in a minute's schedule, in time order, at about its period", () => {
  const s = faultSchedule(opts);
  const count = (kind: string, target?: string) => s.filter((x) => x.fault.kind === kind && (!target || ("target" in x.fault && x.fault.target === target))).length;
  expect(count("kill", "actors")).toBeGreaterThanOrEqual(10);
  expect(count("kill", "actors")).toBeLessThanOrEqual(14);
  expect(count("kill", "relay")).toBeGreaterThanOrEqual(1);
  expect(count("kill", "edge")).toBeGreaterThanOrEqual(1);
  expect(count("brokerDown")).toBeGreaterThanOrEqual(2);
  expect(count("terminateBackends")).toBeGreaterThanOrEqual(3);
  expect(count("kafkaErrors")).toBeGreaterThanOrEqual(4);
  expect(s.map((x) => x.atMs)).toEqual(s.map((x) => x.atMs).sort((a, b) => a - b));
});

test("the brokers taken down are the others, never the group's coordinator", () => {
  const downed = new Set(faultSchedule({ ...opts, durationMs: 600_000 }).flatMap((x) => (x.fault.kind === "brokerDown" ? [x.fault.broker] : [])));
  expect([...downed].sort()).toEqual([1, 2, 3].filter((b) => b !== COORDINATOR));
});

test("a broker taken down comes back up 3-6 s later", () => {
  const s = faultSchedule(opts);
  for (const down of s.filter((x) => x.fault.kind === "brokerDown")) {
    const f = down.fault as { broker: number; forMs: number };
    const up = s.find((x) => x.fault.kind === "brokerUp" && x.fault.broker === f.broker && x.atMs >= down.atMs)!;
    expect(up.atMs - down.atMs).toBe(f.forMs);
    expect(f.forMs).toBeGreaterThanOrEqual(3_000);
    expect(f.forMs).toBeLessThan(6_000);
  }
});

test("the loop makes each fault due, logs it (or why not), and brings a broker back up when stopped early", async () => {
  const made: string[] = [];
  const targets: Targets = {
    kill: async (t, i) => (made.push(`kill ${t} ${i}`), t === "edge" ? null : `killed ${t}-${i}`),
    brokerDown: async (b) => (made.push(`down ${b}`), `broker ${b} down`),
    brokerUp: async (b) => (made.push(`up ${b}`), `broker ${b} up`),
    terminateBackends: async () => (made.push("pg"), "terminated"),
    kafkaErrors: async (api) => (made.push(api), "errors"),
  };
  const log: FaultEvent[] = [];
  const loop = runFaults([
    { atMs: 0, fault: { kind: "kill", target: "actors", index: 1 } },
    { atMs: 5, fault: { kind: "kill", target: "edge", index: 0 } },
    { atMs: 10, fault: { kind: "brokerDown", broker: 2, forMs: 60_000 } },
    { atMs: 60_010, fault: { kind: "brokerUp", broker: 2 } },
  ], targets, (e) => log.push(e));
  while (log.length < 3) await Bun.sleep(10);
  await loop.stop();
  expect(made).toEqual(["kill actors 1", "kill edge 0", "down 2", "up 2"]);
  // Faults are not awaited in turn, so their lines may come in another order.
  expect(log.map((e) => `${e.kind}: ${e.detail}`).sort()).toEqual([
    "brokerDown: broker 2 down for 60000 ms", "brokerUp: broker 2 up", "kill actors: killed actors-1", "kill edge (not made): edge 0 is still starting again: left alone",
  ]);
});
