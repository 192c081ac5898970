/**
 * The notification kind over a real database: messages are rows written with its state,
 * exactly one per (event, recipient, channel) under redelivery, a restart (a new group on
 * the same database) and a replay after the processed marks are gone.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { asc } from "drizzle-orm";
import { messages, users } from "../../db/schema.ts";
import { databases, ENGINES } from "../../test/engines.ts";
import { envelope, topicOf, type Emit } from "../contracts/index.ts";
import { notificationKind } from "../kinds.ts";
import { ActorGroup } from "../runtime/actor-group.ts";
import type { Delivered } from "../runtime/bus.ts";
import { Runner, type RunnerDeps } from "../runtime/runner.ts";
import type { Database } from "../../db/client.ts";

const dbs = databases();
afterAll(() => dbs.closeAll());

function delivered(e: Emit, key: string, offset: number): Delivered {
  const env = envelope(e, key, new Date(), null, crypto.randomUUID());
  return { topic: topicOf(env.type), key, value: JSON.stringify(env), partition: 0, offset };
}

const ADDRESS = { name: "Ada", line1: "1 Loop Rd", city: "Bern", postalCode: "3000", country: "CH" };
const created = (orderId: string, customerId = "u-ada"): Emit => ({
  type: "order.OrderCreated.v1",
  payload: { orderId, customerId, items: [{ sku: "MUG", qty: 1, name: "Mug", unitPrice: 1200 }], total: 1200, currency: "EUR", shippingAddress: ADDRESS },
});
const shipped = (orderId: string): Emit => ({ type: "shipping.OrderShipped.v1", payload: { orderId, trackingNumber: "TRK-1", carrier: "Post", attempt: 1 } });

function group(database: Database, queued: string[][]) {
  const deps: RunnerDeps<never> = { sql: database.sql, call: async () => { throw new Error("no calls"); }, now: () => new Date(), maxAttempts: 3, onOutbox: () => {} };
  return new ActorGroup([new Runner(notificationKind({ messagesQueued: (about) => void queued.push(about) }), deps)], deps);
}

async function seedUsers(database: Database) {
  await database.db.insert(users).values([
    { id: "u-ada", email: "ada@example.com", name: "Ada Lovelace", firstName: "Ada", passwordHash: "x", role: "customer", phone: "+41 79 000 00 00" },
    { id: "u-ops", email: "ops@example.com", name: "Olga Ops", passwordHash: "x", role: "admin" },
    // typed at registration without a country code: no text can go to it
    { id: "u-local", email: "local@example.com", name: "Local", passwordHash: "x", role: "customer", phone: "079 000 00 00" },
    { id: "u-quiet", email: "quiet@example.com", name: "Quiet", passwordHash: "x", role: "customer", mutedChannels: ["email", "sms"] },
  ]);
}

const rows = (database: Database) => database.db.select().from(messages).orderBy(asc(messages.id));

describe.each(ENGINES)("notification kind on %s", (engine) => {
  test("one row per (event, recipient, channel) under redelivery, restart and replay", async () => {
    const database = await dbs.open(engine);
    await seedUsers(database);
    const queued: string[][] = [];
    const a = delivered(created("o-1"), "o-1", 0);
    const b = delivered(shipped("o-1"), "o-1", 1);
    await group(database, queued).handleBatch({ messages: [a, b] });
    await group(database, queued).handleBatch({ messages: [a, b, b] }); // restart, redelivered
    // a replay after the processed marks were purged: the unique key still holds
    await database.sql.query("DELETE FROM runtime.processed_events");
    await database.sql.query("DELETE FROM runtime.actor_state WHERE kind = 'notification'");
    await group(database, queued).handleBatch({ messages: [a] });
    await group(database, queued).handleBatch({ messages: [b] });
    const got = await rows(database);
    expect(got.map((r) => [r.template, r.channel, r.recipient, r.status, r.priority])).toEqual([
      ["orderConfirmed", "email", "ada@example.com", "pending", "critical"],
      ["shipped", "email", "ada@example.com", "pending", "high"],
      ["shipped", "sms", "+41790000000", "pending", "high"],
    ]);
    expect(got.every((r) => r.subject === "o-1" && r.userId === "u-ada")).toBe(true);
    // told what the three messages are about: the order, once
    expect(queued[0]).toEqual(["o-1"]);
  });

  test("a text goes to the number as E.164; a number without its country code gets none", async () => {
    const database = await dbs.open(engine);
    await seedUsers(database);
    await group(database, []).handleBatch({ messages: [delivered(created("o-2", "u-local"), "o-2", 0), delivered(shipped("o-2"), "o-2", 1)] });
    expect((await rows(database)).map((r) => [r.template, r.channel, r.recipient])).toEqual([
      ["orderConfirmed", "email", "local@example.com"], ["shipped", "email", "local@example.com"],
    ]);
  });

  test("low stock goes to every admin; a muted customer gets security mail but no welcome", async () => {
    const database = await dbs.open(engine);
    await seedUsers(database);
    const g = group(database, []);
    await g.handleBatch({ messages: [
      delivered({ type: "inventory.LowStock.v1", payload: { sku: "MUG", name: "Mug", available: 1, threshold: 5 } }, "MUG", 0),
      delivered({ type: "user.Registered.v1", payload: { userId: "u-quiet", email: "quiet@example.com", firstName: "Q", lastName: "Q", phone: null } }, "u-quiet", 1),
      delivered({ type: "user.PasswordChanged.v1", payload: { userId: "u-quiet", email: "quiet@example.com", firstName: "Q" } }, "u-quiet", 2),
    ] });
    expect((await rows(database)).map((r) => [r.template, r.recipient])).toEqual([
      ["lowStock", "ops@example.com"], ["passwordChanged", "quiet@example.com"],
    ]);
  });
});
