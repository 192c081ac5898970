import { afterAll, describe, expect, test } from "bun:test";
import { databases, ENGINES } from "../../test/engines.ts";
import { envelope, topicOf, type Emit, type Envelope } from "../contracts/index.ts";
import { paymentActor, type PaymentState } from "../payment.ts";
import { providerCaller } from "../providers/caller.ts";
import { paymentSimulator } from "../providers/payment-sim.ts";
import { shippingSimulator } from "../providers/shipping-sim.ts";
import type { ProviderCall } from "../providers/ports.ts";
import { ActorGroup } from "./actor-group.ts";
import type { Delivered } from "./bus.ts";
import { deadLettersUpkeep, processedUpkeep, purgeInBatches } from "./retention.ts";
import { Runner, type RunnerDeps } from "./runner.ts";
import { actorStateStore } from "./stores.ts";

const DAY = 24 * 3600_000;

const paymentRequest = (orderId: string): Emit => ({
  type: "order.PaymentRequested.v1",
  payload: { orderId, amount: 1000, currency: "USD", paymentToken: "tok_visa", attempt: 1 },
});

function delivered(e: Emit, key: string, offset: number): Delivered {
  const env = envelope(e, key, new Date(), null, crypto.randomUUID());
  return { topic: topicOf(env.type), key, value: JSON.stringify(env), partition: 0, offset };
}

describe.each(ENGINES)("retention on %s", (engine) => {
  const dbs = databases();
  afterAll(() => dbs.closeAll());

  /** A payment group on a fresh database; marks of `aged` messages are moved `days` into the past. */
  async function paymentGroup() {
    const { sql } = await dbs.open(engine);
    const payment = paymentSimulator();
    const deps: RunnerDeps<ProviderCall> = {
      sql, call: providerCaller({ payment, shipping: shippingSimulator() }, 1000), now: () => new Date(), maxAttempts: 3, onOutbox: () => {},
    };
    const group = new ActorGroup([new Runner({ actor: paymentActor, store: actorStateStore<PaymentState>("payment"), input: (e: Envelope) => e }, deps)], deps);
    const age = (d: Delivered, days: number) => sql.query(
      "UPDATE runtime.processed_events SET at = now() - $2::text::float8 * interval '1 day' WHERE event_id = $1::uuid",
      [JSON.parse(d.value).eventId, String(days)]);
    const marks = async () => (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM runtime.processed_events"))[0]!.n;
    const authorizations = async () => (await payment.ledger()).filter((e) => e.kind === "authorize").length;
    const answers = async () => (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM runtime.outbox"))[0]!.n;
    return { sql, group, age, marks, authorizations, answers };
  }

  test("a message redelivered within the dedupe window is recognised: no provider call, no event; the purge keeps its mark", async () => {
    const g = await paymentGroup();
    const recent = delivered(paymentRequest("o-recent"), "o-recent", 0);
    await g.group.handleBatch({ messages: [recent] });
    await g.age(recent, 6.9);
    expect(await processedUpkeep(7 * DAY)(g.sql)).toBe(0);
    await g.group.handleBatch({ messages: [recent] });
    expect(await g.marks()).toBe(1);
    expect(await g.authorizations()).toBe(1);
    expect(await g.answers()).toBe(1);
  });

  test("the purge removes only marks older than the window; a message redelivered after that is held by its actor's state", async () => {
    const g = await paymentGroup();
    const old = delivered(paymentRequest("o-old"), "o-old", 0);
    const recent = delivered(paymentRequest("o-new"), "o-new", 1);
    await g.group.handleBatch({ messages: [old, recent] });
    await g.age(old, 8);
    expect(await processedUpkeep(7 * DAY)(g.sql)).toBe(1);
    const left = await g.sql.query<{ event_id: string }>("SELECT event_id::text FROM runtime.processed_events");
    expect(left.map((r) => r.event_id)).toEqual([JSON.parse(recent.value).eventId]);
    // Past the window the mark is gone, but the payment's state already holds the authorization:
    // the provider is not called again; the order hears the same answer again and ignores it.
    await g.group.handleBatch({ messages: [old] });
    expect(await g.authorizations()).toBe(2);
    expect(await g.answers()).toBe(3);
  });

  test("a purge goes in batches until nothing old is left", async () => {
    const { sql } = await dbs.open(engine);
    await sql.query(`INSERT INTO runtime.processed_events (consumer, event_id, at)
      SELECT 'order', gen_random_uuid(), now() - interval '8 days' FROM generate_series(1, 2500)`);
    await sql.query("INSERT INTO runtime.processed_events (consumer, event_id) SELECT 'order', gen_random_uuid() FROM generate_series(1, 10)");
    expect(await purgeInBatches(sql, "runtime.processed_events", "at < now() - interval '7 days'", [], 1000)).toBe(2500);
    expect((await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM runtime.processed_events"))[0]!.n).toBe(10);
  });

  test("dead letters an admin replayed or discarded go after their retention; waiting ones stay, however old", async () => {
    const { sql } = await dbs.open(engine);
    const letter = (offset: number, at: string, replayed: string | null, discarded: string | null = null) => sql.query(
      `INSERT INTO runtime.dead_letters (consumer, topic, partition, "offset", key, error, attempts, message, at, replayed_at, discarded_at)
       VALUES ('payment', 'order.events', 0, $1, 'o-1', 'boom', 5, '{}', now() - $2::text::interval, now() - $3::text::interval, now() - $4::text::interval)`,
      [String(offset), at, replayed, discarded]);
    await letter(1, "40 days", "31 days");
    await letter(2, "40 days", "2 days");
    await letter(3, "90 days", null);
    await letter(4, "40 days", null, "31 days");
    await letter(5, "40 days", null, "2 days");
    await deadLettersUpkeep(30 * DAY)(sql);
    expect((await sql.query<{ offset: string }>(`SELECT "offset" FROM runtime.dead_letters ORDER BY id`)).map((r) => r.offset)).toEqual(["2", "3", "5"]);
  });
});
