/**
 * The runner shared by every actor kind. For its share of a batch it calls providers
 * first (with idempotency keys), then, inside the transaction the actor group opens,
 * loads each key's state, folds `decide` over that key's messages in order and collects
 * the new states, outgoing events and timers. The group writes them all in that one
 * transaction (see actor-group.ts); commands from the edge run here in a transaction of
 * their own.
 *
 * A kind may have followers: kinds that read what it emits, decided in the same transaction
 * as its decision instead of through the log (the order's read model follows the order).
 * A follower reads nothing from the log; its states and resources are loaded, decided and
 * written wherever its kind commits - a batch, a command, a creation - so what it keeps
 * moves with its kind, at once and atomically, in the order its kind decided.
 */
import { together, type Sql, type Stmt } from "../../db/sql.ts";
import { envelope, topicOf, type Emit, type Envelope, type Topic } from "../contracts/index.ts";
import type { Actor, CallBase, Outcome, TimerSet } from "./actor.ts";
import type { Delivered } from "./bus.ts";
import type { ShopMetrics } from "./metrics.ts";
import { loadStates, statesOf, type Resources, type StateStore } from "./stores.ts";
import { createWith, outboxInsert, run, timerWrites, type OutboxRow, type TimerWrite } from "./writes.ts";

export type Binding<S, M, R, Res, T extends string = never, C extends CallBase = never, J = never> = {
  actor: Actor<S, M, R, Res, T, C, J>;
  store: StateStore<S>;
  /** the actor's input for a log message */
  input(env: Envelope): M;
  resources?: Resources<R> & { ids(state: S | null, env: Envelope): string[] };
  /** after commit, with every key whose state changed (live updates) */
  afterCommit?(changed: [string, S][]): void;
  /** after commit, with the ids of the shared resources that changed (cache invalidation) */
  afterResources?(ids: string[]): void;
  /**
   * For a kind that answers requests: the saga step a request starts (null: not a request).
   * Its answer's time minus the request's is the step's duration.
   */
  stepOf?(request: Envelope): string | null;
};

/** What every runner shares; `C` is the union of provider calls `call` routes (see providers/caller.ts). */
export type RunnerDeps<C extends CallBase = never> = {
  sql: Sql;
  call: (call: C) => Promise<unknown>;
  now(): Date;
  maxAttempts: number;
  /** told after every commit that wrote to the outbox */
  onOutbox(): void;
  /** told after a commit that parked messages as dead letters, with how many */
  onParked?(count: number): void;
  /** told after a commit that set timers, with the earliest */
  onTimer?(at: Date): void;
  metrics?: Pick<ShopMetrics, "messages" | "deadLetters" | "stepDuration">;
  /**
   * Does an event a kind emits go out on the log: does some kind read it there? An event
   * only a follower reads (it has it already) or nobody reads is not written to the outbox.
   * Absent: every event goes out.
   */
  published?(env: Envelope): boolean;
};

/** A message read from the log, parsed. */
export type Item = { d: Delivered; env: Envelope };

/** One kind's share of a batch: provider calls, then decisions and writes in the group's transaction. */
export interface Share {
  readonly kind: string;
  readonly items: Item[];
  /** Does this kind call providers (and so read its states before the transaction)? */
  readonly calls: boolean;
  /** Does it lock rows many keys share (decided last in the transaction)? */
  readonly contended: boolean;
  /** Before the transaction: read the states provider calls depend on. */
  plan(): Promise<void>;
  /** Before the transaction, after `plan`: the provider calls; `answered` hears each key whose calls are all answered. */
  call(answered?: (key: string) => void): Promise<void>;
  /** The share of `keys` alone, planned and called already (its keys' answers in): to commit them before the rest. */
  split(keys: ReadonlySet<string>): Share;
  /** The statement loading the keys' states (locked) in the transaction; null when they were read before it. */
  loading(): Stmt | null;
  /** In the transaction, with what `loading` returned: load resources, fold decide over `fresh`. */
  decide(tx: Sql, fresh: Item[], loaded: { key: string; value: string }[]): Promise<void>;
  /** In the transaction, after `decide`: the shares of this kind's followers, decided on what it emitted. */
  follow(tx: Sql): Promise<Share[]>;
  /** This kind's own rows (states, resources) as statements. */
  saving(): Stmt[];
  readonly outbox: OutboxRow[];
  readonly timers: TimerWrite[];
  /** After the commit: live updates, cache invalidation, wake-ups, metrics. */
  after(): void;
}

/** What the actor group needs of a runner, whatever the types of its kind. */
export interface KindRunner {
  readonly kind: string;
  readonly topics: readonly Topic[];
  /** Does this kind call providers before deciding? */
  readonly calls: boolean;
  reads(env: Envelope): boolean;
  share(items: Item[]): Share;
  /**
   * As a follower, in `tx`: this kind's share of `events` (emitted in this transaction by
   * the kind it follows), loaded and decided; null when it reads none of them.
   */
  followed(tx: Sql, events: Envelope[], known?: "new"): Promise<Share | null>;
}

type Tally = { ok: number; ignored: number; steps: { step: string; seconds: number }[] };
/** What deciding wrote: `events` is every event emitted, in order, for the followers; `outbox` holds those the log carries. */
type Writes<S> = { states: Map<string, S>; outbox: OutboxRow[]; events: Envelope[]; timers: Map<string, TimerWrite>; tally: Tally };
const emptyWrites = <S>(): Writes<S> => ({ states: new Map(), outbox: [], events: [], timers: new Map(), tally: { ok: 0, ignored: 0, steps: [] } });

/** A follower of a new key reads nothing: its resources must follow from the key's events alone. */
const NOTHING_TO_READ: Sql = {
  query: () => Promise.reject(new Error("a follower of a new key read the database: its rows must follow from the key's events")),
  transaction: () => Promise.reject(new Error("no transaction here")),
};

/** Where a message a follower takes from its kind came from: not the log (no partition or offset). */
const inline = (env: Envelope): Item => ({ d: { topic: topicOf(env.type), key: env.key, value: "", partition: -1, offset: -1 }, env });

export class Runner<S, M, R, Res, T extends string = never, C extends CallBase = never, J = never> implements KindRunner {
  readonly topics: readonly Topic[];
  private readTypes: ReadonlySet<string>;

  // C follows from the actor alone: the shared deps route every call there is.
  constructor(private b: Binding<S, M, R, Res, T, C, J>, private deps: NoInfer<RunnerDeps<C>>, readonly followers: readonly KindRunner[] = []) {
    this.readTypes = new Set(b.actor.reads);
    this.topics = [...new Set(b.actor.reads.map(topicOf))];
  }

  get kind() {
    return this.b.actor.kind;
  }

  get calls() {
    return !!this.b.actor.plan;
  }

  /** Does this kind act on `env` (its type, and what `wants` says)? Others never reach decide, nor cost a write. */
  reads(env: Envelope): boolean {
    return this.readTypes.has(env.type) && (this.b.actor.wants?.(env) ?? true);
  }

  /** Decide and commit a command from the edge for one key; returns the outcome (reject = 409). */
  async execute(key: string, input: M): Promise<Outcome<S, R, T, J>> {
    const w = emptyWrites<S>();
    let followed: Share[] = [];
    const outcome = await this.deps.sql.transaction(async (tx) => {
      Object.assign(w, emptyWrites<S>()); // a retried transaction starts over
      const states = await loadStates(tx, this.b.store, [key], true);
      const out = this.apply(w, key, states.get(key) ?? null, input, null, undefined, undefined);
      followed = await this.follow(tx, w.events);
      const write = together([
        ...(w.states.size > 0 ? [this.b.store.saving([...w.states], this.deps.now(), states)].flat() : []),
        ...followed.flatMap((f) => f.saving()),
        ...outboxInsert([...w.outbox, ...followed.flatMap((f) => f.outbox)]),
        ...timerWrites([...w.timers.values(), ...followed.flatMap((f) => f.timers)]),
      ]);
      if (write) await run(tx, write);
      return out;
    });
    if (outcome.kind === "ok") this.after(w, []);
    for (const f of followed) f.after();
    return outcome;
  }

  /**
   * A command that creates its key, decided on no state and written with ONE statement that
   * inserts the state, its events and its followers' rows only if the key is new (no
   * transaction to open). When the key exists (a repeated request), or the decision needs
   * more, `execute` decides on what is there.
   */
  async create(key: string, input: M): Promise<Outcome<S, R, T, J>> {
    const creating = this.b.store.creating;
    const w = emptyWrites<S>();
    const out = this.apply(w, key, null, input, null, undefined, undefined);
    const timers = [...w.timers.values()];
    // a new key has no timer to cancel: one that does needs the state that is there
    if (!creating || out.kind !== "ok" || !w.states.has(key) || timers.some((t) => !t.set)) return this.execute(key, input);
    // The followers of a new key have nothing to load either: they decide on its events alone.
    const followed = await this.follow(NOTHING_TO_READ, w.events, "new");
    const { text, params } = createWith(creating([...w.states], this.deps.now()), [...w.outbox, ...followed.flatMap((f) => f.outbox)],
      [...timers, ...followed.flatMap((f) => f.timers)], followed.flatMap((f) => f.saving()));
    const [row] = await this.deps.sql.query<{ n: number }>(text, params);
    if (!row || row.n === 0) return this.execute(key, input);
    this.after(w, []);
    for (const f of followed) f.after();
    return out;
  }

  /** The followers' shares of `events`, each decided in `tx` (`known: "new"`: their keys are new, nothing is loaded). */
  private async follow(tx: Sql, events: Envelope[], known?: "new"): Promise<Share[]> {
    const out: Share[] = [];
    for (const f of this.followers) {
      const share = events.length > 0 ? await f.followed(tx, events, known) : null;
      if (share) out.push(share);
    }
    return out;
  }

  async followed(tx: Sql, events: Envelope[], known?: "new"): Promise<Share | null> {
    // a provider call cannot wait inside the transaction of the kind this one follows
    if (this.calls) throw new Error(`${this.kind} calls providers: it cannot follow another kind`);
    const items = events.filter((e) => this.reads(e)).map(inline);
    if (items.length === 0) return null;
    const share = this.shareOf(items, null);
    const load = known === "new" ? null : share.loading();
    const loaded = load ? await tx.query<{ key: string; value: string }>(load.text, load.params) : [];
    await share.decide(tx, items, loaded);
    return share;
  }

  /** This kind's share of a batch: `items` are the messages of types it reads, in log order. */
  share(items: Item[]): Share {
    return this.shareOf(dedupe(items), null);
  }

  /** A share of `unique`; `given` when it is split from a share whose calls were made. */
  private shareOf(unique: Item[], given: { planned: Map<string, S>; plannedText: Map<string, string>; results: Map<string, unknown> } | null): Share {
    const runner = this;
    let planned: Map<string, S> | null = given?.planned ?? null;
    /** each planned state as the database wrote it, to see whether it changed since */
    let plannedText = given?.plannedText ?? new Map<string, string>();
    /** each provider call's answer by the id of the message that asked for it, filled as answers come */
    const results = given?.results ?? new Map<string, unknown>();
    let w = emptyWrites<S>();
    let before: R | undefined;
    let current: R | undefined;
    let resourceWrites: { stmts: Stmt[]; changed: string[] } = { stmts: [], changed: [] };
    let loadedStates: ReadonlyMap<string, S> = new Map();
    return {
      kind: this.kind,
      items: unique,
      calls: this.calls,
      contended: !!this.b.resources?.contended,
      get outbox() {
        return w.outbox;
      },
      get timers() {
        return [...w.timers.values()];
      },
      async plan() {
        if (given || !runner.b.actor.plan || unique.length === 0) return;
        // Actors that call providers are the only writers of their state: what is read
        // before the calls still holds inside the transaction (decide checks it).
        const { text, params } = runner.b.store.loading(keys(unique), false);
        const rows = await runner.deps.sql.query<{ key: string; value: string }>(text, params);
        plannedText = new Map(rows.map((r) => [r.key, r.value]));
        planned = statesOf<S>(rows);
      },
      async call(answered) {
        if (planned && !given) await runner.callProviders(unique, planned, results, answered);
      },
      split(keys) {
        const mine = <V>(m: Map<string, V>) => new Map([...m].filter(([k]) => keys.has(k)));
        return runner.shareOf(unique.filter((i) => keys.has(i.env.key)), { planned: mine(planned ?? new Map()), plannedText: mine(plannedText), results });
      },
      loading() {
        return unique.length === 0 ? null : runner.b.store.loading(keys(unique), true);
      },
      async decide(tx, fresh, loaded) {
        w = emptyWrites<S>(); // a retried transaction starts over
        resourceWrites = { stmts: [], changed: [] };
        // Only a member that lost these keys in a rebalance, still finishing, can have written
        // them meanwhile: decide again from what is there now.
        if (planned && (loaded.length !== plannedText.size || loaded.some((r) => plannedText.get(r.key) !== r.value))) {
          throw new Error(`${runner.kind} state changed while its providers were called; handing the batch over again`);
        }
        if (fresh.length === 0) return;
        const byKey = groupByKey(fresh);
        const states = planned ?? statesOf<S>(loaded);
        loadedStates = states;
        const res = runner.b.resources;
        before = res ? await res.load(tx, fresh.flatMap((i) => res.ids(states.get(i.env.key) ?? null, i.env))) : undefined;
        current = before;
        for (const [key, list] of byKey) {
          let s: S | null = states.get(key) ?? null;
          for (const { env } of list) {
            const out = runner.apply(w, key, s, runner.b.input(env), env, current, results.get(env.eventId) as Res | undefined);
            if (out.kind === "ok") {
              s = out.state;
              if (out.res !== undefined) current = out.res;
            }
          }
        }
        if (res && before !== undefined && current !== undefined) resourceWrites = res.saving(before, current, runner.deps.now());
      },
      follow(tx) {
        return runner.follow(tx, w.events);
      },
      saving() {
        // A state decide handed back as it was loaded (a message that changed nothing of it) is not written again.
        const changed = [...w.states].filter(([key, s]) => !sameState(s, loadedStates.get(key)));
        return [...(changed.length > 0 ? [runner.b.store.saving(changed, runner.deps.now(), loadedStates)].flat() : []), ...resourceWrites.stmts];
      },
      after() {
        runner.after(w, resourceWrites.changed);
      },
    };
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
    for (const name of out.cancelTimers ?? []) w.timers.set(`${key}\0${name}`, { kind: this.kind, key, name, set: null });
    for (const t of out.timers ?? []) w.timers.set(`${key}\0${t.name}`, { kind: this.kind, key, name: t.name, set: t });
    return out;
  }

  private emit(w: Writes<S>, e: Emit, key: string, now: Date, cause: Envelope | null) {
    const env = envelope(e, key, now, cause, crypto.randomUUID());
    // A participant answering a request closes a saga step (clocks may differ: never below 0).
    const step = cause && this.b.stepOf ? this.b.stepOf(cause) : null;
    if (step) w.tally.steps.push({ step, seconds: Math.max(0, (now.getTime() - Date.parse(cause!.timestamp)) / 1000) });
    if (this.deps.published?.(env) ?? true) w.outbox.push({ eventId: env.eventId, topic: topicOf(env.type), key, type: env.type, message: JSON.stringify(env) });
    w.events.push(env);
  }

  private after(w: Writes<S>, changedResources: string[]) {
    if (w.outbox.length > 0) this.deps.onOutbox();
    const earliest = earliestOf([...w.timers.values()].flatMap((t) => (t.set ? [t.set] : [])));
    if (earliest) this.deps.onTimer?.(earliest);
    if (w.states.size > 0) this.b.afterCommit?.([...w.states]);
    if (changedResources.length > 0) this.b.afterResources?.(changedResources);
    this.record(w.tally);
  }

  private record(t: Tally) {
    const m = this.deps.metrics;
    if (!m) return;
    const group = this.kind;
    if (t.ok) m.messages.inc({ group, outcome: "ok" }, t.ok);
    if (t.ignored) m.messages.inc({ group, outcome: "ignored" }, t.ignored);
    for (const s of t.steps) m.stepDuration.observe({ step: s.step }, s.seconds);
  }

  /** Provider calls: keys concurrently, one key in order, each answer kept in `results` by message id as it comes. */
  private async callProviders(items: Item[], states: Map<string, S>, results: Map<string, unknown>, answered?: (key: string) => void): Promise<void> {
    const plan = this.b.actor.plan;
    if (!plan) return;
    const now = this.deps.now();
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
      answered?.(key);
    }));
  }
}

/** Is `s` the state as loaded (the same object, or the same JSON: the store's key order, so a rebuilt object may differ and be written)? */
function sameState<S>(s: S, loaded: S | undefined): boolean {
  return loaded !== undefined && (s === loaded || JSON.stringify(s) === JSON.stringify(loaded));
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
