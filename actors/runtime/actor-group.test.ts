import { afterEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openPglite, type Database } from "../../db/client.ts";
import { deadLetters, orderViews, outbox, processedEvents } from "../../db/schema.ts";
import { envelope, topicOf, type Emit, type Envelope } from "../contracts/index.ts";
import { paymentActor, type PaymentState } from "../payment.ts";
import { projectorActor, type OrderView } from "../projector.ts";
import { providerCaller } from "../providers/caller.ts";
import type { ProviderCall } from "../providers/ports.ts";
import { paymentSimulator } from "../providers/payment-sim.ts";
import { shippingSimulator } from "../providers/shipping-sim.ts";
import type { Batch, Delivered } from "./bus.ts";
import { ok, type Actor } from "./actor.ts";
import { ActorGroup } from "./actor-group.ts";
import { Runner, type RunnerDeps } from "./runner.ts";
import type { OrderAlerts } from "../ops/alert-rules.ts";
import { viewStore } from "../stores.ts";
import { actorStateStore, loadStates } from "./stores.ts";

let database: Database;
afterEach(() => database?.close());

function delivered(e: Emit, key: string, offset: number): Delivered {
  const env = envelope(e, key, new Date(), null, crypto.randomUUID());
  return { topic: topicOf(env.type), key, value: JSON.stringify(env), partition: 0, offset };
}
const batch = (...messages: Delivered[]): Batch => ({ messages });
const paymentRequest = (orderId: string, attempt = 1): Emit => ({
  type: "order.PaymentRequested.v1",
  payload: { orderId, amount: 1000, currency: "USD", paymentToken: "tok_visa", attempt },
});

async function setup(payment = paymentSimulator()) {
  database = await openPglite();
  const deps: RunnerDeps<ProviderCall> = {
    sql: database.sql, call: providerCaller({ payment, shipping: shippingSimulator() }, 1000),
    now: () => new Date(), maxAttempts: 3, onOutbox: () => {},
  };
  const runner = new ActorGroup([new Runner({ actor: paymentActor, store: actorStateStore<PaymentState>("payment"), input: (e: Envelope) => e }, deps)], deps);
  return { db: database.db, runner, payment, deps };
}

const created = (orderId: string): Emit => ({
  type: "order.OrderCreated.v1",
  payload: {
    orderId, customerId: "c-1", items: [{ sku: "LAP-001", qty: 1, name: "Laptop", unitPrice: 1000 }], total: 1000, currency: "USD",
    shippingAddress: { name: "A", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
  },
});

/** The pauses a group takes before trying a failed message again (none really waited). */
function pauses() {
  const taken: number[] = [];
  return { taken, retry: { firstMs: 50, sleep: async (ms: number) => void taken.push(ms) } };
}

const outboxTypes = async (db: Database["db"]) => (await db.select({ type: outbox.type }).from(outbox)).map((r) => r.type);

describe("actor group", () => {
  test("a redelivered message is a no-op: one authorization, one event", async () => {
    const { db, runner, payment } = await setup();
    const msg = delivered(paymentRequest("o-1"), "o-1", 0);
    await runner.handleBatch(batch(msg));
    await runner.handleBatch(batch(msg));
    await runner.handleBatch(batch(msg, msg));
    expect(await outboxTypes(db)).toEqual(["payment.PaymentAuthorized.v1"]);
    expect((await payment.ledger()).filter((e) => e.kind === "authorize")).toHaveLength(1);
  });

  test("one batch commits every key's state, events and processed marks together", async () => {
    const { db, runner } = await setup();
    const msgs = Array.from({ length: 20 }, (_, i) => delivered(paymentRequest(`o-${i}`), `o-${i}`, i));
    await runner.handleBatch(batch(...msgs));
    expect(await outboxTypes(db)).toHaveLength(20);
    expect(await db.select().from(processedEvents).where(eq(processedEvents.consumer, "payment"))).toHaveLength(20);
  });

  test("provider calls of different keys in one batch run concurrently; one key stays in order", async () => {
    const sim = paymentSimulator();
    let inFlight = 0;
    let max = 0;
    const calls: string[] = [];
    const slow = {
      ...sim,
      async authorize(key: string, input: Parameters<typeof sim.authorize>[1]) {
        inFlight++;
        max = Math.max(max, inFlight);
        calls.push(key);
        await Bun.sleep(20);
        inFlight--;
        return sim.authorize(key, input);
      },
    };
    const { runner } = await setup(slow);
    const msgs = [
      ...Array.from({ length: 10 }, (_, i) => delivered(paymentRequest(`o-${i}`), `o-${i}`, i)),
      delivered({ type: "order.RefundRequested.v1", payload: { orderId: "o-0", amount: 1000, reason: "cancel", attempt: 1 } }, "o-0", 10),
    ];
    await runner.handleBatch(batch(...msgs));
    expect(max).toBeGreaterThan(1);
    // o-0's refund came after its authorization in the same batch: one key stays in order.
    const auth = (await sim.ledger()).find((e) => e.orderId === "o-0" && e.kind === "authorize");
    expect(await sim.refundedTotal(auth?.paymentId ?? "none")).toBe(1000);
  });

  test("a message that breaks its contract goes to the dead letters at once; the rest goes on", async () => {
    const { db, runner } = await setup();
    const bad: Delivered = { topic: "order.events", key: "o-9", value: '{"type":"order.PaymentRequested.v1"}', partition: 0, offset: 0 };
    await runner.handleBatch(batch(bad, delivered(paymentRequest("o-8"), "o-8", 1)));
    const parked = await db.select().from(deadLetters);
    expect(parked).toHaveLength(1);
    expect(parked[0]?.error).toContain("bad envelope");
    expect(parked[0]?.message).toBe(bad.value);
    expect((await outboxTypes(db)).sort()).toEqual(["ops.DeadLetter.v1", "payment.PaymentAuthorized.v1"]);
  });

  test("a message whose handler keeps failing is tried again with growing pauses, then dead-lettered with its error", async () => {
    const { db, deps } = await setup();
    const { taken, retry } = pauses();
    const projector = new ActorGroup([new Runner<OrderView, Envelope, OrderAlerts, unknown>({ actor: projectorActor, store: viewStore, input: (e) => e }, deps)], deps, retry);
    const orphan = delivered({ type: "order.StatusChanged.v1", payload: { orderId: "ghost", from: "CREATED", to: "CANCELLED", reason: "x", details: {} } }, "ghost", 0);
    await projector.handleBatch(batch(orphan));
    expect(taken).toEqual([50, 100]);
    const [parked] = await db.select().from(deadLetters);
    expect(parked?.consumer).toBe("projector");
    expect(parked?.attempts).toBe(3);
    expect(parked?.error).toContain("before its creation");
    await projector.handleBatch(batch(orphan));
    expect(await db.select().from(deadLetters)).toHaveLength(1);
    expect(taken).toHaveLength(2);
  });

  test("a poison message costs its own key, never its lane: the batch commits without it", async () => {
    const { db, deps } = await setup();
    const group = new ActorGroup([
      new Runner<OrderView, Envelope, OrderAlerts, unknown>({ actor: projectorActor, store: viewStore, input: (e) => e }, deps),
    ], deps, pauses().retry);
    const orphan = delivered({ type: "order.StatusChanged.v1", payload: { orderId: "ghost", from: "CREATED", to: "CANCELLED", reason: "x", details: {} } }, "ghost", 0);
    await group.handleBatch(batch(orphan, delivered(created("o-next"), "o-next", 1)));
    expect((await db.select().from(orderViews)).map((v) => v.id)).toEqual(["o-next"]);
    expect((await db.select().from(deadLetters)).map((d) => d.key)).toEqual(["ghost"]);
  });

  test("a parked message is never executed again: its redelivery calls no provider", async () => {
    let calls = 0;
    const sim = paymentSimulator();
    const broken = { ...sim, authorize: async (key: string, input: Parameters<typeof sim.authorize>[1]) => {
      calls++;
      return key.includes("o-poison") ? Promise.reject(new Error("processor answered garbage")) : sim.authorize(key, input);
    } };
    const { db, deps } = await setup(broken);
    const group = new ActorGroup([new Runner({ actor: paymentActor, store: actorStateStore<PaymentState>("payment"), input: (e: Envelope) => e }, deps)], deps, pauses().retry);
    const msg = delivered(paymentRequest("o-poison"), "o-poison", 0);
    await group.handleBatch(batch(msg));
    expect(calls).toBe(1 + 3); // the batch, then the message alone maxAttempts times
    expect(await db.select().from(deadLetters)).toHaveLength(1);
    // the log hands the batch again (a crash before the offset was committed)
    await group.handleBatch(batch(msg));
    expect(calls).toBe(4);
    await group.handleBatch(batch(msg, delivered(paymentRequest("o-fine"), "o-fine", 1)));
    expect(calls).toBe(5); // o-fine only
    expect(await db.select().from(deadLetters)).toHaveLength(1);
  });

  test("a database that drops its connections costs no message an attempt: the batch comes again and commits", async () => {
    const { db, deps } = await setup();
    let drops = 10; // more than maxAttempts (3)
    const dropping: typeof deps = {
      ...deps,
      sql: {
        query: (text, params) => deps.sql.query(text, params),
        transaction: (fn) => (drops-- > 0
          ? Promise.reject(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))
          : deps.sql.transaction(fn)),
      },
    };
    const group = new ActorGroup([new Runner({ actor: paymentActor, store: actorStateStore<PaymentState>("payment"), input: (e: Envelope) => e }, dropping)], dropping);
    const msg = delivered(paymentRequest("o-down"), "o-down", 0);
    let refused = 0;
    for (;;) {
      try {
        await group.handleBatch(batch(msg));
        break;
      } catch (err) {
        expect((err as { code?: string }).code).toBe("57P01");
        refused++;
      }
    }
    expect(refused).toBe(10);
    expect(await db.select().from(deadLetters)).toHaveLength(0);
    expect(await outboxTypes(db)).toEqual(["payment.PaymentAuthorized.v1"]);
  });
});

describe("actor group across kinds", () => {
  /** A second kind reading what the projector reads: counts the messages it saw per key. */
  const audit: Actor<{ seen: number }, Envelope> = {
    kind: "audit",
    reads: ["order.OrderCreated.v1", "order.StatusChanged.v1"],
    decide: (s) => ok({ seen: (s?.seen ?? 0) + 1 }),
  };
  async function kinds() {
    database = await openPglite();
    const deps: RunnerDeps = { sql: database.sql, call: () => Promise.resolve(undefined), now: () => new Date(), maxAttempts: 3, onOutbox: () => {} };
    const group = new ActorGroup([
      new Runner<OrderView, Envelope, OrderAlerts, unknown>({ actor: projectorActor, store: viewStore, input: (e) => e }, deps),
      new Runner({ actor: audit, store: actorStateStore<{ seen: number }>("audit"), input: (e: Envelope) => e }, deps),
    ], deps, pauses().retry);
    const marks = async () => (await database.db.select().from(processedEvents)).map((r) => r.consumer).sort();
    const seen = async (key: string) => (await loadStates(database.sql, actorStateStore<{ seen: number }>("audit"), [key], false)).get(key)?.seen;
    return { db: database.db, group, marks, seen };
  }
  const changed = (orderId: string): Emit => ({
    type: "order.StatusChanged.v1", payload: { orderId, from: "CREATED", to: "INVENTORY_RESERVED", reason: "stock reserved", details: {} },
  });

  test("each message reaches every kind that reads its type; a type no kind reads leaves no trace", async () => {
    const { db, group, marks, seen } = await kinds();
    await group.handleBatch(batch(
      delivered(created("o-1"), "o-1", 0),
      delivered(changed("o-1"), "o-1", 1),
      delivered({ type: "inventory.StockCommitted.v1", payload: { orderId: "o-1", lines: [] } }, "o-1", 2),
    ));
    const [view] = await db.select().from(orderViews);
    expect(view?.status).toBe("INVENTORY_RESERVED");
    expect(await seen("o-1")).toBe(2);
    expect(await marks()).toEqual(["audit", "audit", "projector", "projector"]);
  });

  test("a kind that keeps failing on a message parks it for that kind alone; the other kind's share commits once", async () => {
    const { db, group, marks, seen } = await kinds();
    const orphan = delivered(changed("ghost"), "ghost", 0);
    await group.handleBatch(batch(orphan));
    expect((await db.select().from(deadLetters)).map((d) => d.consumer)).toEqual(["projector"]);
    expect(await seen("ghost")).toBe(1);
    expect(await marks()).toEqual(["audit", "projector"]);
  });
});

describe("a kind with a follower", () => {
  /** A leader that turns each "ping" into a status change its follower (the projector) takes in the same transaction. */
  const leader: Actor<{ n: number }, Envelope> = {
    kind: "leader",
    reads: ["inventory.InventoryReserved.v1"],
    decide: (s, e) => ok({ n: (s?.n ?? 0) + 1 }, [{
      type: "order.StatusChanged.v1", payload: { orderId: e.key, from: "CREATED", to: "INVENTORY_RESERVED", reason: "stock reserved", details: {} },
    }]),
  };
  async function followed() {
    database = await openPglite();
    const deps: RunnerDeps = { sql: database.sql, call: () => Promise.resolve(undefined), now: () => new Date(), maxAttempts: 3, onOutbox: () => {} };
    const views: string[] = [];
    const projector = new Runner<OrderView, Envelope, OrderAlerts, unknown>({
      actor: projectorActor, store: viewStore, input: (e) => e, afterCommit: (changed) => views.push(...changed.map(([id, v]) => `${id} ${v.status}`)),
    }, deps);
    const group = new ActorGroup([new Runner({ actor: leader, store: actorStateStore<{ n: number }>("leader"), input: (e: Envelope) => e }, deps, [projector])], deps, pauses().retry);
    const marks = async () => (await database.db.select().from(processedEvents)).map((r) => r.consumer).sort();
    return { db: database.db, sql: database.sql, group, marks, views, projector };
  }
  const reserved = (orderId: string): Emit => ({ type: "inventory.InventoryReserved.v1", payload: { orderId, lines: [], attempt: 1 } });

  test("what the kind emits reaches its follower in the same transaction, with no processed mark of its own", async () => {
    const { db, sql, group, marks, views } = await followed();
    // the view as the projector made it at the order's creation
    const createdEnv = envelope(created("o-1"), "o-1", new Date(), null, crypto.randomUUID());
    const made = projectorActor.decide(null, createdEnv, { now: new Date(), res: {}, result: undefined });
    if (made.kind !== "ok" || !made.state) throw new Error("no view");
    for (const st of [viewStore.saving([["o-1", made.state]], new Date(), new Map())].flat()) await sql.query(st.text, st.params);

    await group.handleBatch(batch(delivered(reserved("o-1"), "o-1", 0)));
    const [view] = await db.select().from(orderViews);
    expect(view?.status).toBe("INVENTORY_RESERVED");
    expect(views).toEqual(["o-1 INVENTORY_RESERVED"]); // told after the commit, as a kind of the log is
    expect(await marks()).toEqual(["leader"]);
    // the change still goes out on the log for the kinds that read it there
    expect(await outboxTypes(db)).toEqual(["order.StatusChanged.v1"]);
  });

  test("a follower that fails fails its kind: nothing of either commits, and the message is parked for the kind", async () => {
    const { db, group, marks, views } = await followed();
    await group.handleBatch(batch(delivered(reserved("ghost"), "ghost", 0))); // no view to move: the projector throws
    const [parked] = await db.select().from(deadLetters);
    expect([parked?.consumer, parked?.attempts]).toEqual(["leader", 3]);
    expect(parked?.error).toContain("before its creation");
    expect(await db.select().from(orderViews)).toEqual([]);
    expect(await loadStates(database.sql, actorStateStore<{ n: number }>("leader"), ["ghost"], false)).toEqual(new Map());
    expect(await outboxTypes(db)).toEqual(["ops.DeadLetter.v1"]);
    expect(await marks()).toEqual(["leader"]); // the parked message's mark
    expect(views).toEqual([]);
  });

  test("an event only the follower reads does not go out on the log when the group says what it reads", async () => {
    database = await openPglite();
    let group: ActorGroup | undefined;
    const deps: RunnerDeps = {
      sql: database.sql, call: () => Promise.resolve(undefined), now: () => new Date(), maxAttempts: 3, onOutbox: () => {},
      published: (env) => group?.reads(env) ?? true,
    };
    const projector = new Runner<OrderView, Envelope, OrderAlerts, unknown>({ actor: projectorActor, store: viewStore, input: (e) => e }, deps);
    const audit: Actor<{ seen: number }, Envelope> = { kind: "audit", reads: ["order.StatusChanged.v1"], wants: (e) => e.key === "o-2", decide: (s) => ok({ seen: (s?.seen ?? 0) + 1 }) };
    group = new ActorGroup([
      new Runner({ actor: leader, store: actorStateStore<{ n: number }>("leader"), input: (e: Envelope) => e }, deps, [projector]),
      new Runner({ actor: audit, store: actorStateStore<{ seen: number }>("audit"), input: (e: Envelope) => e }, deps),
    ], deps, pauses().retry);
    for (const id of ["o-1", "o-2"]) {
      const made = projectorActor.decide(null, envelope(created(id), id, new Date(), null, crypto.randomUUID()), { now: new Date(), res: {}, result: undefined });
      if (made.kind !== "ok" || !made.state) throw new Error("no view");
      for (const st of [viewStore.saving([[id, made.state]], new Date(), new Map())].flat()) await database.sql.query(st.text, st.params);
    }
    await group.handleBatch(batch(delivered(reserved("o-1"), "o-1", 0), delivered(reserved("o-2"), "o-2", 1)));
    expect((await database.db.select().from(orderViews)).map((v) => v.status)).toEqual(["INVENTORY_RESERVED", "INVENTORY_RESERVED"]);
    // o-2's change is one the audit kind wants from the log; o-1's only the follower reads
    expect((await database.db.select({ key: outbox.key, type: outbox.type }).from(outbox))).toEqual([{ key: "o-2", type: "order.StatusChanged.v1" }]);
  });

  test("a follower reads nothing from the log itself", async () => {
    const { group } = await followed();
    expect(group.topics).toEqual(["inventory.events"]);
  });
});

/** A group of the payment kind and the projector whose card processor holds the authorizations `holds` picks until `answer`. */
async function heldPayments(holds: (key: string) => boolean) {
  database = await openPglite();
  const sim = paymentSimulator();
  let answer!: () => void;
  const answered = new Promise<void>((r) => (answer = r));
  const held = { ...sim, authorize: async (key: string, input: Parameters<typeof sim.authorize>[1]) => (holds(key) && await answered, sim.authorize(key, input)) };
  const deps: RunnerDeps<ProviderCall> = {
    sql: database.sql, call: providerCaller({ payment: held, shipping: shippingSimulator() }, 10_000),
    now: () => new Date(), maxAttempts: 3, onOutbox: () => {},
  };
  const group = new ActorGroup([
    new Runner({ actor: paymentActor, store: actorStateStore<PaymentState>("payment"), input: (e: Envelope) => e }, deps),
    new Runner<OrderView, Envelope, OrderAlerts, unknown>({ actor: projectorActor, store: viewStore, input: (e) => e }, deps),
  ], deps);
  return { group, answer };
}

describe("actor group with a slow provider", () => {
  test("kinds that call nobody commit while a provider is still answering; the calling kind commits once it answers", async () => {
    const { group, answer } = await heldPayments(() => true);
    const handled = group.handleBatch(batch(delivered(created("o-1"), "o-1", 0), delivered(paymentRequest("o-1"), "o-1", 1)));
    const view = async () => (await database.db.select().from(orderViews))[0]?.status;
    for (let i = 0; i < 200 && (await view()) !== "CREATED"; i++) await Bun.sleep(10);
    expect(await view()).toBe("CREATED");
    expect(await outboxTypes(database.db)).toEqual([]);
    answer();
    await handled;
    expect(await outboxTypes(database.db)).toEqual(["payment.PaymentAuthorized.v1"]);
  });
});

describe("actor group with a provider that never answers one key", () => {
  test("the other keys' answers commit without it, and the lane hears each key as it is done", async () => {
    const { group, answer } = await heldPayments((key) => key.includes(":hang:"));
    const released: string[][] = [];
    const handled = group.handleBatch({
      messages: [delivered(paymentRequest("hang"), "hang", 0), delivered(paymentRequest("quick"), "quick", 1), delivered(created("view"), "view", 2)],
      release: (done) => void released.push(done.map((d) => d.key)),
    });
    const authorized = async () => (await database.db.select({ key: outbox.key }).from(outbox)).map((r) => r.key);
    for (let i = 0; i < 200 && (await authorized()).length === 0; i++) await Bun.sleep(10);
    expect(await authorized()).toEqual(["quick"]);
    expect(released).toEqual([["view"], ["quick"]]);
    answer();
    await handled;
    expect((await authorized()).sort()).toEqual(["hang", "quick"]);
    expect(released).toEqual([["view"], ["quick"]]); // the last key goes free with the batch
  });
});

describe("actor group: writes only what changed", () => {
  /** Counts created orders; other messages leave its state as it was (or, `rebuilt`, an equal copy). */
  const counter = (rebuilt: boolean): Actor<{ created: number }, Envelope> => ({
    kind: "counter",
    reads: ["order.OrderCreated.v1", "order.PaymentRequested.v1"],
    wants: (e) => e.type !== "order.PaymentRequested.v1" || e.payload.attempt === 1,
    decide: (s, e) => ok(e.type === "order.OrderCreated.v1" ? { created: (s?.created ?? 0) + 1 } : rebuilt && s ? { ...s } : s),
  });
  const rowVersion = async () => (await database.sql.query<{ v: string }>(
    "SELECT xmin::text AS v FROM runtime.actor_state WHERE kind = 'counter' AND key = 'o-1'"))[0]?.v;

  test.each([false, true])("a state handed back unchanged is not written again (an equal copy: %p); a change is", async (rebuilt) => {
    database = await openPglite();
    const deps: RunnerDeps = { sql: database.sql, call: async () => undefined, now: () => new Date(), maxAttempts: 3, onOutbox: () => {} };
    const group = new ActorGroup([new Runner({ actor: counter(rebuilt), store: actorStateStore<{ created: number }>("counter"), input: (e: Envelope) => e }, deps)], deps);
    await group.handleBatch(batch(delivered(created("o-1"), "o-1", 0)));
    const first = await rowVersion();
    expect(first).toBeDefined();
    await group.handleBatch(batch(delivered(paymentRequest("o-1"), "o-1", 1)));
    expect(await rowVersion()).toBe(first);
    await group.handleBatch(batch(delivered(created("o-1"), "o-1", 2)));
    expect(await rowVersion()).not.toBe(first);
    expect((await loadStates(database.sql, actorStateStore<{ created: number }>("counter"), ["o-1"], false)).get("o-1")).toEqual({ created: 2 });
  });

  test("a message its kind does not want reaches no decide and leaves no processed mark", async () => {
    database = await openPglite();
    const deps: RunnerDeps = { sql: database.sql, call: async () => undefined, now: () => new Date(), maxAttempts: 3, onOutbox: () => {} };
    const group = new ActorGroup([new Runner({ actor: counter(false), store: actorStateStore<{ created: number }>("counter"), input: (e: Envelope) => e }, deps)], deps);
    await group.handleBatch(batch(delivered(created("o-1"), "o-1", 0), delivered(paymentRequest("o-1", 1), "o-1", 1), delivered(paymentRequest("o-1", 2), "o-1", 2)));
    expect(await database.db.$count(processedEvents, eq(processedEvents.consumer, "counter"))).toBe(2);
  });
});
