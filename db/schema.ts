/** Drizzle schema: one Postgres schema per bounded context, shared by PGlite and postgres.js. */
import { sql } from "drizzle-orm";
import { bigint, bigserial, integer, jsonb, pgSchema, primaryKey, real, text, timestamp, uuid } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const catalog = pgSchema("catalog");
export const products = catalog.table("products", {
  sku: text("sku").primaryKey(),
  name: text("name").notNull(),
  category: text("category").notNull(),
  brand: text("brand").notNull(),
  description: text("description").notNull(),
  price: integer("price").notNull(),
  rating: real("rating").notNull(),
  images: jsonb("images").$type<string[]>().notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
});

export const inventory = pgSchema("inventory");
export const stock = inventory.table("stock", {
  sku: text("sku").primaryKey(),
  onHand: integer("on_hand").notNull(),
  reserved: integer("reserved").notNull(),
});
export const movements = inventory.table("movements", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  sku: text("sku").notNull(),
  deltaOnHand: integer("delta_on_hand").notNull(),
  deltaReserved: integer("delta_reserved").notNull(),
  reason: text("reason").notNull(),
  ref: text("ref"),
  at: ts("at").notNull().defaultNow(),
});

export const ordering = pgSchema("ordering");
export const orders = ordering.table("orders", {
  id: text("id").primaryKey(),
  customerId: text("customer_id").notNull(),
  status: text("status").notNull(),
  state: jsonb("state").notNull(),
  createdAt: ts("created_at").notNull(),
  updatedAt: ts("updated_at").notNull(),
});
export const orderViews = ordering.table("order_views", {
  id: text("id").primaryKey(),
  customerId: text("customer_id").notNull(),
  status: text("status").notNull(),
  total: integer("total").notNull(),
  currency: text("currency").notNull(),
  createdAt: ts("created_at").notNull(),
  updatedAt: ts("updated_at").notNull(),
  view: jsonb("view").notNull(),
});

export const runtime = pgSchema("runtime");
export const actorState = runtime.table("actor_state", {
  kind: text("kind").notNull(),
  key: text("key").notNull(),
  state: jsonb("state").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.kind, t.key] })]);
export const outbox = runtime.table("outbox", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  eventId: uuid("event_id").notNull().unique(),
  topic: text("topic").notNull(),
  key: text("key").notNull(),
  type: text("type").notNull(),
  message: text("message").notNull(),
  status: text("status").notNull().default("PENDING"),
  createdAt: ts("created_at").notNull().defaultNow(),
  claimedAt: ts("claimed_at"),
  publishedAt: ts("published_at"),
  /** a stable hash of the key: a relay publishes a slot only while it holds it */
  slot: integer("slot").generatedAlwaysAs(sql`abs(hashtext(key) % 16)`),
});
export const processedEvents = runtime.table("processed_events", {
  consumer: text("consumer").notNull(),
  eventId: uuid("event_id").notNull(),
  at: ts("at").notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.consumer, t.eventId] })]);
export const timers = runtime.table("timers", {
  kind: text("kind").notNull(),
  key: text("key").notNull(),
  name: text("name").notNull(),
  token: text("token").notNull(),
  fireAt: ts("fire_at").notNull(),
}, (t) => [primaryKey({ columns: [t.kind, t.key, t.name] })]);
export const deadLetters = runtime.table("dead_letters", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  consumer: text("consumer").notNull(),
  topic: text("topic").notNull(),
  partition: integer("partition").notNull(),
  offset: text("offset").notNull(),
  key: text("key"),
  error: text("error").notNull(),
  attempts: integer("attempts").notNull(),
  message: text("message").notNull(),
  at: ts("at").notNull().defaultNow(),
  replayedAt: ts("replayed_at"),
});
export const log = runtime.table("log", {
  topic: text("topic").notNull(),
  partition: integer("partition").notNull(),
  offset: bigint("offset", { mode: "number" }).notNull(),
  key: text("key").notNull(),
  value: text("value").notNull(),
  at: ts("at").notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.topic, t.partition, t.offset] })]);
export const consumerOffsets = runtime.table("consumer_offsets", {
  groupId: text("group_id").notNull(),
  topic: text("topic").notNull(),
  partition: integer("partition").notNull(),
  offset: bigint("offset", { mode: "number" }).notNull(),
}, (t) => [primaryKey({ columns: [t.groupId, t.topic, t.partition] })]);
export const settings = runtime.table("settings", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
});
