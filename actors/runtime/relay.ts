/**
 * The outbox relay: claims pending rows (FOR UPDATE SKIP LOCKED, so relays never share a
 * row), publishes them in id order, then marks them published. A crash between publish and
 * mark publishes again, which consumers absorb through processed_events.
 *
 * When several relays share a database (`shared`), each key's events must still go out in
 * order: a row's slot is a hash of its key, and a relay claims rows only from slots it
 * holds (a transaction-scoped advisory lock) that have nothing in flight, so one slot is
 * published by one relay at a time, oldest first.
 */
import type { Sql } from "../../db/sql.ts";
import { parseTopic } from "../contracts/index.ts";
import { loopWithBackoff } from "./backoff.ts";
import type { Bus } from "./bus.ts";
import { log } from "./log.ts";
import { Signal } from "./signal.ts";

export type Relay = { wake(): void; stop(): Promise<void>; /** resolves when nothing is pending */ idle(): Promise<void> };

const BATCH = 1000;
const STALE_MS = 10_000;
const SLOTS = 16;
const SLOT_LOCKS = 7_262_100;

/** A claim this large means rows gather by themselves: claim again without lingering. */
const FULL_CLAIM = 64;

export type RelayOptions = { lingerMs: number; shared?: boolean };

export function startRelay(db: Sql, bus: Bus, opts: RelayOptions = { lingerMs: 0 }): Relay {
  const signal = new Signal();
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  let lastReclaim = 0;

  async function step(): Promise<number> {
    if (lastReclaim === 0 && !opts.shared) {
      // The only relay of this database: whatever is in progress was left by a crash.
      await db.query("UPDATE runtime.outbox SET status = 'PENDING', claimed_at = NULL WHERE status = 'IN_PROGRESS'");
      lastReclaim = Date.now();
    }
    if (Date.now() - lastReclaim > STALE_MS / 3) {
      lastReclaim = Date.now();
      await db.query("UPDATE runtime.outbox SET status = 'PENDING' WHERE status = 'IN_PROGRESS' AND claimed_at < $1::text::timestamptz",
        [new Date(Date.now() - STALE_MS).toISOString()]);
    }
    const claimed = opts.shared ? await claimHeldSlots() : await claimOldest(db);
    if (claimed.length === 0) return 0;
    await publish(claimed);
    return claimed.length;
  }

  async function publish(claimed: Claimed[]) {
    claimed.sort((a, b) => Number(a.id) - Number(b.id));
    const ids = claimed.map((r) => r.id);
    try {
      await bus.publish(claimed.map((r) => ({ topic: parseTopic(r.topic), key: r.key, value: r.message })));
    } catch (err) {
      await db.query("UPDATE runtime.outbox SET status = 'PENDING', claimed_at = NULL WHERE id = ANY($1::text[]::bigint[])", [ids]);
      throw err;
    }
    await db.query("UPDATE runtime.outbox SET status = 'PUBLISHED', published_at = now() WHERE id = ANY($1::text[]::bigint[])", [ids]);
  }

  /** Lock the free slots (until this transaction ends), then claim only those with nothing in flight. */
  function claimHeldSlots() {
    return db.transaction(async (tx) => {
      // Every slot with pending rows that no other relay holds: one claim publishes as much
      // as it can (fewer, larger produce requests), and a relay that finds every slot taken waits.
      // Each slot is a short probe of its index that stops at the first live row (a scan over
      // all pending entries would also wade through the dead ones every claim leaves behind).
      const held = (await tx.query<{ s: number }>(`SELECT s FROM (
          SELECT s FROM generate_series(0, ${SLOTS - 1}) AS s
          WHERE EXISTS (SELECT 1 FROM runtime.outbox WHERE status = 'PENDING' AND slot = s) OFFSET 0
        ) AS pending WHERE pg_try_advisory_xact_lock(${SLOT_LOCKS}, s)`)).map((r) => r.s);
      if (held.length === 0) return [];
      // A new statement, so it sees every claim committed before we got the locks: a slot
      // with rows still in flight waits, and the others give their oldest rows.
      return tx.query<Claimed>(`UPDATE runtime.outbox SET status = 'IN_PROGRESS', claimed_at = now()
        WHERE id IN (
          SELECT c.id FROM unnest($1::int[]) AS h(s)
          CROSS JOIN LATERAL (
            SELECT id FROM runtime.outbox WHERE status = 'PENDING' AND slot = h.s ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
          ) AS c
          WHERE NOT EXISTS (SELECT 1 FROM runtime.outbox WHERE status = 'IN_PROGRESS' AND slot = h.s)
        )
        RETURNING ${RETURNED}`, [held]);
    });
  }

  const done = loopWithBackoff(() => stopping, async () => {
    const n = await step();
    if (n === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
      await signal.wait(1000);
    }
    // Let rows gather after a small claim: one publish of many beats many publishes of one
    // (and a consumer of the librdkafka mock gets one produce request per partition per fetch).
    if (n < FULL_CLAIM && opts.lingerMs > 0) await new Promise((r) => setTimeout(r, opts.lingerMs));
  }, (err) => log.warn("outbox relay failed, retrying", { error: err }));

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

type Claimed = { id: string; topic: string; key: string; message: string };
const RETURNED = "id::text AS id, topic, key, message";

/** The only relay of a database: mark up to BATCH pending rows as in progress, oldest first. */
function claimOldest(q: Sql) {
  return q.query<Claimed>(`UPDATE runtime.outbox SET status = 'IN_PROGRESS', claimed_at = now()
    WHERE id IN (SELECT id FROM runtime.outbox WHERE status = 'PENDING' ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING ${RETURNED}`);
}
