/**
 * The outbox relay: claims pending rows (FOR UPDATE SKIP LOCKED, so relays never share a
 * row), publishes them in id order, then marks them published. A crash between publish and
 * mark publishes again, which consumers absorb through processed_events.
 */
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { outbox } from "../../db/schema.ts";
import { TOPICS, type Topic } from "../contracts/index.ts";
import type { Bus } from "./bus.ts";
import { log } from "./log.ts";
import { Signal } from "./signal.ts";

export type Relay = { wake(): void; stop(): Promise<void>; /** resolves when nothing is pending */ idle(): Promise<void> };

const BATCH = 1000;
const STALE_MS = 30_000;

export function startRelay(db: Db, bus: Bus, opts: { lingerMs: number } = { lingerMs: 0 }): Relay {
  const signal = new Signal();
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  let lastReclaim = 0;

  async function step(): Promise<number> {
    if (Date.now() - lastReclaim > STALE_MS / 3) {
      lastReclaim = Date.now();
      await db.update(outbox).set({ status: "PENDING" })
        .where(and(eq(outbox.status, "IN_PROGRESS"), lt(outbox.claimedAt, new Date(Date.now() - STALE_MS))));
    }
    const pending = db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, "PENDING"))
      .orderBy(outbox.id).limit(BATCH).for("update", { skipLocked: true });
    const claimed = await db.update(outbox).set({ status: "IN_PROGRESS", claimedAt: sql`now()` })
      .where(inArray(outbox.id, pending))
      .returning({ id: outbox.id, topic: outbox.topic, key: outbox.key, message: outbox.message });
    if (claimed.length === 0) return 0;
    claimed.sort((a, b) => a.id - b.id);
    const ids = claimed.map((r) => r.id);
    try {
      await bus.publish(claimed.map((r) => ({ topic: asTopic(r.topic), key: r.key, value: r.message })));
    } catch (err) {
      await db.update(outbox).set({ status: "PENDING", claimedAt: null }).where(inArray(outbox.id, ids));
      throw err;
    }
    await db.update(outbox).set({ status: "PUBLISHED", publishedAt: sql`now()` }).where(inArray(outbox.id, ids));
    return claimed.length;
  }

  const done = (async () => {
    let backoff = 50;
    while (!stopping) {
      try {
        const n = await step();
        backoff = 50;
        if (n === 0) {
          for (const w of idleWaiters) w();
          idleWaiters = [];
          await signal.wait(1000);
          // Let rows gather: one publish of many beats many publishes of one.
          if (opts.lingerMs > 0) await new Promise((r) => setTimeout(r, opts.lingerMs));
        }
      } catch (err) {
        log.warn("outbox relay failed, retrying", { error: err });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  })();

  return {
    wake: () => signal.notify(),
    idle: () => new Promise((resolve) => {
      idleWaiters.push(resolve);
      signal.notify();
    }),
    async stop() {
      stopping = true;
      signal.notify();
      await done;
      for (const w of idleWaiters) w();
    },
  };
}

function asTopic(t: string): Topic {
  const topic = TOPICS.find((x) => x === t);
  if (!topic) throw new Error(`outbox row for unknown topic ${t}`);
  return topic;
}
