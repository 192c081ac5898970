/**
 * The outbox relay: reads the oldest rows, publishes them in id order, then deletes them in
 * one statement - every row left in the outbox is unpublished, so a row is written once and
 * deleted once, never marked. A crash between publish and delete publishes again, which
 * consumers absorb through processed_events.
 *
 * When several relays share a database (`shared`), each key's events must still go out in
 * order: a row's slot is a hash of its key, and a relay publishes rows only from slots it
 * holds (a transaction-scoped advisory lock) for the whole claim - read, publish, delete -
 * so one slot is published by one relay at a time, oldest first. A relay that dies lets go
 * of its slots with its connection; one stuck publishing longer than STALE_MS loses its
 * session (idle_in_transaction_session_timeout), so the others take its slots over.
 */
import type { Sql } from "../../db/sql.ts";
import { parseTopic } from "../contracts/index.ts";
import { loopWithBackoff } from "./backoff.ts";
import type { Bus } from "./bus.ts";
import { log } from "./log.ts";
import type { ShopMetrics } from "./metrics.ts";
import { Signal } from "./signal.ts";

export type Relay = { wake(): void; stop(): Promise<void>; /** resolves when nothing is pending */ idle(): Promise<void> };

const BATCH = 1000;
const STALE_MS = 10_000;
const SLOTS = 16;
const SLOT_LOCKS = 7_262_100;

/** A claim this large means rows gather by themselves: claim again without lingering. */
const FULL_CLAIM = 64;

/** What the relay records of each claim (`saga_relay_*` in the shop's metrics). */
export type RelayMeters = Pick<ShopMetrics, "relayMessages" | "relayClaimSize" | "relayWaitSeconds" | "relayPublishSeconds">;

export type RelayOptions = { lingerMs: number; shared?: boolean; meters?: RelayMeters };

export function startRelay(db: Sql, bus: Bus, opts: RelayOptions = { lingerMs: 0 }): Relay {
  const signal = new Signal();
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  /** the last publish, settled or not: a claim whose transaction ended under a publish still in flight waits for it */
  let lastPublish: Promise<unknown> = Promise.resolve();

  /** Publish `claimed` in id order, then delete it (on `q`: the claim's transaction, if any). */
  async function publish(q: Sql, claimed: Claimed[]): Promise<number> {
    if (claimed.length === 0) return 0;
    claimed.sort((a, b) => Number(a.id) - Number(b.id));
    const started = performance.now();
    const sending = bus.publish(claimed.map((r) => ({ topic: parseTopic(r.topic), key: r.key, value: r.message })));
    lastPublish = sending.catch(() => undefined);
    await sending;
    const published = performance.now();
    await q.query("DELETE FROM runtime.outbox WHERE id = ANY($1::text[]::bigint[])", [claimed.map((r) => r.id)]);
    const m = opts.meters;
    if (m) {
      m.relayMessages.inc({}, claimed.length);
      m.relayClaimSize.observe({}, claimed.length);
      m.relayPublishSeconds.observe({}, (published - started) / 1000);
      for (const r of claimed) m.relayWaitSeconds.observe({}, r.age_ms / 1000);
    }
    return claimed.length;
  }

  /** Lock the free slots with rows (until this transaction ends), then publish their oldest rows. */
  function publishHeldSlots() {
    return db.transaction(async (tx) => {
      // Every slot with rows that no other relay holds: one claim publishes as much as it
      // can (fewer, larger produce requests), and a relay that finds every slot taken waits.
      // Each slot is a short probe of its index that stops at the first row. With slots held,
      // a publish that hangs must not keep them for ever: past STALE_MS idle in this
      // transaction the session ends, and with it the locks (set here: no round trip of its own).
      const held = (await tx.query<{ s: number }>(`SELECT s, set_config('idle_in_transaction_session_timeout', '${STALE_MS}', true) FROM (
          SELECT s FROM generate_series(0, ${SLOTS - 1}) AS s
          WHERE EXISTS (SELECT 1 FROM runtime.outbox WHERE slot = s) OFFSET 0
        ) AS pending WHERE pg_try_advisory_xact_lock(${SLOT_LOCKS}, s)`)).map((r) => r.s);
      if (held.length === 0) return 0;
      // A new statement, so it sees every delete committed before we got the locks.
      return publish(tx, await tx.query<Claimed>(`SELECT ${RETURNED} FROM unnest($1::int[]) AS h(s)
        CROSS JOIN LATERAL (SELECT * FROM runtime.outbox WHERE slot = h.s ORDER BY id LIMIT ${BATCH}) AS c`, [held]));
    });
  }

  const done = loopWithBackoff(() => stopping, async () => {
    // A relay whose session died under a hung publish claims nothing more until it returns:
    // its slots went to the others, and its records must not overtake theirs.
    await lastPublish;
    const n = opts.shared ? await publishHeldSlots() : await publish(db, await db.query<Claimed>(`SELECT ${RETURNED} FROM runtime.outbox ORDER BY id LIMIT ${BATCH}`));
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

type Claimed = { id: string; topic: string; key: string; message: string; age_ms: number };
const RETURNED = "id::text AS id, topic, key, message, (extract(epoch FROM clock_timestamp() - created_at) * 1000)::float8 AS age_ms";
