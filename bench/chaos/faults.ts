/**
 * The chaos run's faults: a schedule drawn from the seed before the run starts (so a failing
 * run can be replayed), and the loop that makes each fault happen on time and logs it.
 *
 * With `every` = E seconds: an actors process is killed (-9) every E s (left alone while it
 * is still starting again after the last kill); the relay and an edge every ~6E s; a broker
 * other than the group's coordinator goes down for 3-6 s every ~4E s; the database's backends are
 * terminated every ~3E s; a burst of Kafka request errors every ~2E s. The provider faults
 * (late, lost and doubled answers) are rates in force for the whole run: see shop.ts.
 */
import { caseRng, type Rng } from "../../test/fuzz/rng.ts";
import type { KafkaApi } from "../../deploy/kafka-mock/index.ts";
import type { FaultEvent } from "./invariants.ts";

export type Fault =
  | { kind: "kill"; target: "actors" | "relay" | "edge"; index: number }
  | { kind: "brokerDown"; broker: number; forMs: number }
  | { kind: "brokerUp"; broker: number }
  | { kind: "terminateBackends"; share: number }
  | { kind: "kafkaErrors"; api: KafkaApi; code: number; count: number };
export type Scheduled = { atMs: number; fault: Fault };

/** The broker that coordinates the consumer group, spared by brokerDown (see shop.ts). */
export const COORDINATOR = 1;

export type ScheduleOptions = { seed: number; durationMs: number; everyMs: number; actors: number; edges: number; brokers: number };

/** Retriable errors a broker really answers with, per request kind (Kafka protocol codes). */
const KAFKA_ERRORS: { api: KafkaApi; codes: number[] }[] = [
  { api: "produce", codes: [6, 7] }, // NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT
  { api: "fetch", codes: [6] },
  { api: "offsetCommit", codes: [16, 27] }, // NOT_COORDINATOR, REBALANCE_IN_PROGRESS
  { api: "joinGroup", codes: [15] }, // COORDINATOR_NOT_AVAILABLE
  { api: "syncGroup", codes: [27] },
  { api: "heartbeat", codes: [27] },
];

/** The faults of one run, in time order; the same options always give the same schedule. */
export function faultSchedule(o: ScheduleOptions): Scheduled[] {
  const rng = caseRng(o.seed, 0xfa17);
  const out: Scheduled[] = [];
  // Each kind on its own period, its first one at a random phase, each next one jittered by ±20%.
  // A fault may bring its own undoing some time later (`afterMs`).
  const every = (periodMs: number, make: (r: Rng) => (Fault | { afterMs: number; fault: Fault })[]) => {
    for (let at = periodMs * (0.3 + 0.7 * rng.next()); at < o.durationMs; at += periodMs * (0.8 + 0.4 * rng.next())) {
      for (const f of make(rng)) out.push("afterMs" in f ? { atMs: Math.round(at) + f.afterMs, fault: f.fault } : { atMs: Math.round(at), fault: f });
    }
  };
  let actors = 0;
  every(o.everyMs, () => [{ kind: "kill", target: "actors", index: actors++ % o.actors }]);
  every(o.everyMs * 6, () => [{ kind: "kill", target: "relay", index: 0 }]);
  every(o.everyMs * 6, (r) => [{ kind: "kill", target: "edge", index: r.int(o.edges) }]);
  every(o.everyMs * 4, (r) => {
    const others = Array.from({ length: o.brokers }, (_, i) => i + 1).filter((b) => b !== COORDINATOR);
    const broker = others[r.int(others.length)]!;
    const forMs = 3_000 + r.int(3_000);
    return [{ kind: "brokerDown", broker, forMs }, { afterMs: forMs, fault: { kind: "brokerUp", broker } }];
  });
  every(o.everyMs * 3, (r) => [{ kind: "terminateBackends", share: 0.3 + 0.7 * r.next() }]);
  every(o.everyMs * 2, (r) => {
    const { api, codes } = r.pick(KAFKA_ERRORS);
    return [{ kind: "kafkaErrors", api, code: r.pick(codes), count: 1 + r.int(5) }];
  });
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** What the run can do to the shop; each resolves to a line saying what it did. */
export type Targets = {
  /** null when the process is still starting again after the last kill, and is left alone */
  kill(target: "actors" | "relay" | "edge", index: number): Promise<string | null>;
  brokerDown(broker: number): Promise<string>;
  brokerUp(broker: number): Promise<string>;
  terminateBackends(share: number): Promise<string>;
  kafkaErrors(api: KafkaApi, code: number, count: number): Promise<string>;
};

/**
 * Makes each scheduled fault happen at its time after `t0` until `stop` is called, logging it.
 * Resolves once the loop ends; a broker taken down is always brought back up.
 */
export function runFaults(schedule: Scheduled[], targets: Targets, log: (e: FaultEvent) => void) {
  let stopped = false;
  const down = new Set<number>();
  const apply = (f: Fault): Promise<string> => {
    switch (f.kind) {
      case "kill": return targets.kill(f.target, f.index).then((done) => done ?? Promise.reject(`${f.target} ${f.index} is still starting again: left alone`));
      case "brokerDown": return down.add(f.broker), targets.brokerDown(f.broker).then((s) => `${s} for ${f.forMs} ms`);
      case "brokerUp": return down.delete(f.broker), targets.brokerUp(f.broker);
      case "terminateBackends": return targets.terminateBackends(f.share);
      case "kafkaErrors": return targets.kafkaErrors(f.api, f.code, f.count);
    }
  };
  const t0 = Date.now();
  const done = (async () => {
    for (const s of schedule) {
      while (!stopped && Date.now() - t0 < s.atMs) await Bun.sleep(Math.min(100, s.atMs - (Date.now() - t0)));
      if (stopped) break;
      // A fault does not wait for the one before it: a kill's restart takes seconds.
      void apply(s.fault).then(
        (detail) => log({ at: Date.now(), kind: s.fault.kind === "kill" ? `kill ${s.fault.target}` : s.fault.kind, detail }),
        (err) => log({ at: Date.now(), kind: `${s.fault.kind === "kill" ? `kill ${s.fault.target}` : s.fault.kind} (not made)`, detail: String(err) }),
      );
    }
    for (const b of down) await targets.brokerUp(b).then((detail) => log({ at: Date.now(), kind: "brokerUp", detail }));
  })();
  return { stop: () => ((stopped = true), done) };
}
