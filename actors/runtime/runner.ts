/**
 * The one runner shared by every actor kind. For a batch of messages it loads the
 * state of each key, folds `decide` over that key's messages in order, and commits every
 * key's new state, outgoing events (outbox), timers and processed marks in ONE transaction
 * (group commit). Provider calls happen before the transaction, with idempotency keys.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db, Q } from "../../db/client.ts";
import { deadLetters, outbox, processedEvents, timers } from "../../db/schema.ts";
import { ContractError, envelope, parseEnvelope, topicOf, type Emit, type Envelope } from "../contracts/index.ts";
import type { Actor, Call, Outcome, TimerSet } from "./actor.ts";
import type { Batch, Delivered } from "./bus.ts";
import { log } from "./log.ts";
import type { ShopMetrics } from "./metrics.ts";
import type { Resources, StateStore } from "./stores.ts";

export type Binding<S, M, R, Res> = {
  actor: Actor<S, M, R, Res>;
  store: StateStore<S>;
  /** the actor's input for a log message */
  input(env: Envelope): M;
  resources?: Resources<R> & { ids(state: S | null, env: Envelope): string[] };
  /** after commit, with every key whose state changed (live updates) */
  afterCommit?(changed: [string, S][]): void;
  /** after commit, with the ids of the shared resources that changed (cache invalidation) */
  afterResources?(ids: string[]): void;
};

export type RunnerDeps = {
  db: Db;
  call(call: Call): Promise<unknown>;
  now(): Date;
  maxAttempts: number;
  /** told after every commit that wrote to the outbox */
  onOutbox(): void;
  /** told after a commit that set timers, with the earliest */
  onTimer?(at: Date): void;
  metrics?: Pick<ShopMetrics, "messages" | "deadLetters" | "stepDuration">;
};

/** The saga step a request event starts; its answer's time minus the request's is the step's duration. */
function stepOf(cause: Envelope): string | null {
  switch (cause.type) {
    case "order.OrderCreated.v1": return "inventory";
    case "order.PaymentRequested.v1": return "payment";
    case "order.PaymentCaptureRequested.v1": return "capture";
    case "order.ShipmentRequested.v1": return "shipping";
    case "order.RefundRequested.v1": return "refund";
    case "ops.RetryRequested.v1": return cause.payload.step;
    default: return null;
  }
}

type Item = { d: Delivered; env: Envelope };
type Poison = { d: Delivered; error: string; attempts: number };
type Writes<S> = {
  states: Map<string, S>;
  outbox: (typeof outbox.$inferInsert)[];
  timers: Map<string, { key: string; name: string; set: TimerSet | null }>;
  /** tallied in the transaction, recorded only once it commits */
  tally: { ok: number; ignored: number; parked: number; steps: { step: string; seconds: number }[] };
};
const emptyWrites = <S>(): Writes<S> => ({ states: new Map(), outbox: [], timers: new Map(), tally: { ok: 0, ignored: 0, parked: 0, steps: [] } });

export class Runner<S, M, R, Res> {
  private failures = new Map<string, number>();

  constructor(private b: Binding<S, M, R, Res>, private deps: RunnerDeps) {}

  get kind() {
    return this.b.actor.kind;
  }

  get topics() {
    return this.b.actor.topics;
  }

  /** Handle one batch. Throws when the batch must be redelivered. */
  async handleBatch(batch: Batch): Promise<void> {
    const items: Item[] = [];
    const poison: Poison[] = [];
    for (const d of batch.messages) {
      try {
        items.push({ d, env: parseEnvelope(d.value) });
      } catch (err) {
        if (!(err instanceof ContractError)) throw err;
        poison.push({ d, error: err.message, attempts: 1 });
      }
    }
    try {
      await this.commit(items, poison);
    } catch {
      // Find the message that fails: one transaction each, in order.
      if (poison.length > 0) await this.commit([], poison);
      for (const item of items) await this.commitAlone(item);
    }
  }

  private async commitAlone(item: Item) {
    try {
      await this.commit([item], []);
      this.failures.delete(item.env.eventId);
    } catch (err) {
      const attempts = (this.failures.get(item.env.eventId) ?? 0) + 1;
      this.failures.set(item.env.eventId, attempts);
      const about = { correlationId: item.env.correlationId, consumer: this.kind, type: item.env.type, eventId: item.env.eventId, attempts };
      if (attempts < this.deps.maxAttempts) {
        log.warn("message failed, will retry", { ...about, error: err });
        throw err;
      }
      log.error("message dead-lettered", { ...about, error: err });
      this.failures.delete(item.env.eventId);
      await this.commit([], [{ d: item.d, error: String(err instanceof Error ? err.message : err), attempts }], item.env.eventId);
    }
  }

  /** Decide and commit a command from the edge for one key; returns the outcome (reject = 409). */
  async execute(key: string, input: M): Promise<Outcome<S, R>> {
    const outcome = await this.deps.db.transaction(async (tx) => {
      const states = await this.b.store.load(tx, [key], true);
      const w = emptyWrites<S>();
      const out = this.apply(w, key, states.get(key) ?? null, input, null, undefined, undefined);
      await this.write(tx, w);
      return out;
    });
    if (outcome.kind === "ok") {
      this.after(new Map(outcome.state ? [[key, outcome.state]] : []), true, earliestOf(outcome.timers ?? []));
    }
    return outcome;
  }

  private async commit(items: Item[], poison: Poison[], poisonId?: string) {
    const { db, now: clock } = this.deps;
    const now = clock();
    const unique = dedupe(items);
    // Actors that call providers are the only writers of their state: what is read
    // before the calls still holds inside the transaction.
    const planned = this.b.actor.plan ? await this.b.store.load(db, keys(unique), false) : null;
    const results = planned ? await this.callProviders(unique, planned, now) : new Map<string, unknown>();
    let w = emptyWrites<S>();
    if (unique.length === 0 && poison.length === 0) return;
    let changedResources: string[] = [];
    await db.transaction(async (tx) => {
      w = emptyWrites<S>(); // a retried transaction starts over
      // Marking first tells which messages are new: a redelivered one is skipped.
      const fresh = await this.markProcessed(tx, unique, poisonId);
      const byKey = groupByKey(fresh);
      const states = planned ?? await this.b.store.load(tx, [...byKey.keys()], true);
      const res = this.b.resources;
      const before: R | undefined = res
        ? await res.load(tx, fresh.flatMap((i) => res.ids(states.get(i.env.key) ?? null, i.env)))
        : undefined;
      let current: R | undefined = before;
      for (const [key, list] of byKey) {
        let s: S | null = states.get(key) ?? null;
        for (const { env } of list) {
          const out = this.apply(w, key, s, this.b.input(env), env, current, results.get(env.eventId) as Res | undefined);
          if (out.kind === "ok") {
            s = out.state;
            if (out.res !== undefined) current = out.res;
          }
        }
      }
      if (res && before !== undefined && current !== undefined) changedResources = await res.save(tx, before, current, now);
      await this.write(tx, w, poison);
    });
    this.after(w.states, w.outbox.length > 0, earliestOf([...w.timers.values()].flatMap((t) => (t.set ? [t.set] : []))));
    if (changedResources.length > 0) this.b.afterResources?.(changedResources);
    this.record(w.tally);
  }

  private record(t: Writes<S>["tally"]) {
    const m = this.deps.metrics;
    if (!m) return;
    const group = this.kind;
    if (t.ok) m.messages.inc({ group, outcome: "ok" }, t.ok);
    if (t.ignored) m.messages.inc({ group, outcome: "ignored" }, t.ignored);
    if (t.parked) {
      m.messages.inc({ group, outcome: "dead_letter" }, t.parked);
      m.deadLetters.inc({ group }, t.parked);
    }
    for (const s of t.steps) m.stepDuration.observe({ step: s.step }, s.seconds);
  }

  private async markProcessed(tx: Q, items: Item[], poisonId?: string): Promise<Item[]> {
    const ids = [...items.map((i) => i.env.eventId), ...(poisonId ? [poisonId] : [])];
    if (ids.length === 0) return [];
    const marked = await tx.insert(processedEvents).values(ids.map((eventId) => ({ consumer: this.kind, eventId })))
      .onConflictDoNothing().returning({ id: processedEvents.eventId });
    const fresh = new Set(marked.map((r) => r.id));
    return items.filter((i) => fresh.has(i.env.eventId));
  }

  /** Fold one message into the writes; returns the outcome. */
  private apply(w: Writes<S>, key: string, s: S | null, input: M, cause: Envelope | null, res: R | undefined, result: Res | undefined) {
    const now = this.deps.now();
    const out = this.b.actor.decide(s, input, { now, res: res as R, result });
    if (out.kind !== "ok") {
      w.tally.ignored++;
      return out;
    }
    w.tally.ok++;
    if (out.state !== null) w.states.set(key, out.state);
    for (const e of out.emit) this.emit(w, e, key, now, cause);
    for (const name of out.cancelTimers ?? []) w.timers.set(`${key}\0${name}`, { key, name, set: null });
    for (const t of out.timers ?? []) w.timers.set(`${key}\0${t.name}`, { key, name: t.name, set: t });
    return out;
  }

  private emit(w: Writes<S>, e: Emit, key: string, now: Date, cause: Envelope | null) {
    const env = envelope(e, key, now, cause, crypto.randomUUID());
    // A participant answering a request closes a saga step (clocks may differ: never below 0).
    const step = cause && this.kind !== "order" && this.kind !== "projector" ? stepOf(cause) : null;
    if (step) w.tally.steps.push({ step, seconds: Math.max(0, (now.getTime() - Date.parse(cause!.timestamp)) / 1000) });
    w.outbox.push({ eventId: env.eventId, topic: topicOf(env.type), key, type: env.type, message: JSON.stringify(env) });
  }

  private async write(tx: Q, w: Writes<S>, poison: Poison[] = []) {
    await this.deadLetters(tx, w, poison);
    await this.b.store.save(tx, [...w.states], this.deps.now());
    if (w.outbox.length > 0) await tx.insert(outbox).values(w.outbox);
    const sets = [...w.timers.values()];
    const gone = sets.filter((t) => t.set === null);
    if (gone.length > 0) {
      await tx.delete(timers).where(and(eq(timers.kind, this.kind),
        sql`(${timers.key}, ${timers.name}) IN (${sql.join(gone.map((t) => sql`(${t.key}, ${t.name})`), sql`, `)})`));
    }
    const armed = sets.flatMap((t) => (t.set ? [{ kind: this.kind, key: t.key, name: t.name, token: t.set.token, fireAt: t.set.at }] : []));
    if (armed.length > 0) {
      await tx.insert(timers).values(armed).onConflictDoUpdate({
        target: [timers.kind, timers.key, timers.name],
        set: { token: sql`excluded.token`, fireAt: sql`excluded.fire_at` },
      });
    }
  }

  /** Park poison messages (once per source offset) and announce them on the dead-letter topic. */
  private async deadLetters(tx: Q, w: Writes<S>, poison: Poison[]) {
    if (poison.length === 0) return;
    const now = this.deps.now();
    const parked = await tx.insert(deadLetters).values(poison.map((p) => ({
      consumer: this.kind, topic: p.d.topic, partition: p.d.partition, offset: String(p.d.offset),
      key: p.d.key, error: p.error, attempts: p.attempts, message: p.d.value,
    }))).onConflictDoNothing().returning({ topic: deadLetters.topic, partition: deadLetters.partition, offset: deadLetters.offset });
    w.tally.parked += parked.length;
    for (const p of poison) {
      if (!parked.some((r) => r.topic === p.d.topic && r.partition === p.d.partition && r.offset === String(p.d.offset))) continue;
      this.emit(w, {
        type: "ops.DeadLetter.v1",
        payload: { consumer: this.kind, topic: p.d.topic, partition: p.d.partition, offset: String(p.d.offset), error: p.error, attempts: p.attempts, original: p.d.value },
      }, p.d.key || "unknown", now, null);
    }
  }

  private after(changed: Map<string, S>, wroteOutbox: boolean, earliest: Date | null = null) {
    if (wroteOutbox) this.deps.onOutbox();
    if (earliest) this.deps.onTimer?.(earliest);
    if (changed.size > 0) this.b.afterCommit?.([...changed]);
  }

  /** Provider calls: keys concurrently, one key in order, each answer kept by message id. */
  private async callProviders(items: Item[], states: Map<string, S>, now: Date): Promise<Map<string, unknown>> {
    const results = new Map<string, unknown>();
    const plan = this.b.actor.plan;
    if (!plan) return results;
    await Promise.all([...groupByKey(items)].map(async ([key, list]) => {
      let s: S | null = states.get(key) ?? null;
      for (const { env } of list) {
        const input = this.b.input(env);
        const call = plan(s, input);
        const result = call ? await this.deps.call(call) : undefined;
        if (call) results.set(env.eventId, result);
        const out = this.b.actor.decide(s, input, { now, res: undefined as R, result: result as Res });
        if (out.kind === "ok") s = out.state;
      }
    }));
    return results;
  }
}

/** Keeps the first of messages delivered twice in one batch. */
function dedupe(items: Item[]): Item[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.env.eventId) ? false : (seen.add(i.env.eventId), true)));
}

const earliestOf = (ts: TimerSet[]): Date | null =>
  ts.reduce<Date | null>((min, t) => (min === null || t.at < min ? t.at : min), null);

const keys = (items: Item[]) => [...new Set(items.map((i) => i.env.key))];

function groupByKey(items: Item[]): Map<string, Item[]> {
  const m = new Map<string, Item[]>();
  for (const i of items) {
    const list = m.get(i.env.key);
    if (list) list.push(i);
    else m.set(i.env.key, [i]);
  }
  return m;
}
