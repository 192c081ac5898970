import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openPostgres, openPglite, type Database } from "../../db/client.ts";
import { outbox } from "../../db/schema.ts";
import { freshPostgres } from "../../test/engines.ts";
import type { Bus, BusRecord } from "./bus.ts";
import { startRelay } from "./relay.ts";

/** A bus that records what it is given, slowly and unevenly, so relays interleave. */
function recordingBus(published: { relay: string; r: BusRecord }[], relay: string): Bus {
  return {
    partitions: 4,
    async publish(records) {
      await Bun.sleep(Math.random() * 15);
      for (const r of records) published.push({ relay, r });
    },
    consume: () => Promise.reject(new Error("not used")),
    lag: async () => [],
    close: async () => {},
  };
}

async function fill(database: Database, keys: number, perKey: number) {
  // Rows of one key are added in order, interleaved with other keys, in small transactions.
  for (let n = 0; n < perKey; n++) {
    await database.db.insert(outbox).values(Array.from({ length: keys }, (_, k) => ({
      eventId: crypto.randomUUID(), topic: "order.events", key: `key-${k}`, type: "order.StatusChanged.v1", message: `key-${k}#${n}`,
    })));
  }
}

async function drain(database: Database, rounds = 400) {
  for (let i = 0; i < rounds; i++) {
    if ((await database.db.$count(outbox)) === 0) return;
    await Bun.sleep(50);
  }
  throw new Error("relays did not drain the outbox");
}

describe("outbox relay", () => {
  let pg: Awaited<ReturnType<typeof freshPostgres>>;
  let database: Database;
  beforeAll(async () => {
    pg = await freshPostgres({ migrated: true });
    database = await openPostgres(pg.url);
  });
  afterAll(async () => {
    await database.close();
    await pg.drop();
  });

  test("three relays on one Postgres: every event once, each key's in order", async () => {
    const published: { relay: string; r: BusRecord }[] = [];
    const relays = ["r1", "r2", "r3"].map((name) => startRelay(database.sql, recordingBus(published, name), { lingerMs: 0, shared: true }));
    await fill(database, 40, 25);
    for (const r of relays) r.wake();
    await drain(database);
    await Promise.all(relays.map((r) => r.stop()));
    expect(published).toHaveLength(40 * 25);
    for (let k = 0; k < 40; k++) {
      const seen = published.filter((p) => p.r.key === `key-${k}`).map((p) => p.r.value);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, n) => `key-${k}#${n}`));
    }
  }, 60_000);

  test("a relay stuck publishing holds up only its own slots; the others keep going", async () => {
    await database.db.delete(outbox);
    const published: { relay: string; r: BusRecord }[] = [];
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let stuckBatch: BusRecord[] = [];
    const stuckBus: Bus = { ...recordingBus([], "stuck"), publish: async (records) => {
      stuckBatch = records;
      await stuck;
      throw new Error("gave up");
    } };
    await fill(database, 40, 3);
    const first = startRelay(database.sql, stuckBus, { lingerMs: 0, shared: true });
    first.wake();
    for (let i = 0; i < 100 && stuckBatch.length === 0; i++) await Bun.sleep(20);
    expect(stuckBatch.length).toBeGreaterThan(0);
    const second = startRelay(database.sql, recordingBus(published, "second"), { lingerMs: 0, shared: true });
    second.wake();
    const held = new Set(stuckBatch.map((r) => r.key));
    const others = 40 - held.size;
    for (let i = 0; i < 200 && published.length < others * 3; i++) await Bun.sleep(25);
    expect(published).toHaveLength(others * 3);
    expect(published.some((p) => held.has(p.r.key))).toBe(false);
    release();
    await Promise.all([first.stop(), second.stop()]);
  }, 60_000);

  test("a relay whose publish hangs loses its slots with its session; another publishes them", async () => {
    await database.db.delete(outbox);
    const published: { relay: string; r: BusRecord }[] = [];
    let hung = 0;
    const hangingBus: Bus = { ...recordingBus([], "hung"), publish: () => (hung++, new Promise<void>(() => {})) };
    await fill(database, 8, 2);
    const first = startRelay(database.sql, hangingBus, { lingerMs: 0, shared: true });
    first.wake();
    for (let i = 0; i < 100 && hung === 0; i++) await Bun.sleep(20);
    expect(hung).toBe(1);
    const second = startRelay(database.sql, recordingBus(published, "second"), { lingerMs: 0, shared: true });
    second.wake();
    await drain(database, 1200); // after STALE_MS (10 s) idle in its transaction, the hung relay's session ends
    await second.stop();
    expect(published).toHaveLength(8 * 2);
    void first.stop(); // its publish never returns: left behind with its dead session
  }, 60_000);
});

/** A bus that fails its first `failures` publishes (after seeing them), then records. */
function flakyBus(published: BusRecord[], failures: number): Bus {
  let left = failures;
  return { ...recordingBus([], "flaky"), async publish(records) {
    if (left-- > 0) throw new Error("broker gone");
    published.push(...records);
  } };
}

test.each(["postgres", "pglite"] as const)("%s: a failed publish leaves its rows to go out again, in order; what went out is deleted", async (engine) => {
  const pg = engine === "postgres" ? await freshPostgres({ migrated: true }) : null;
  const database = pg ? await openPostgres(pg.url) : await openPglite();
  try {
    const published: BusRecord[] = [];
    await fill(database, 6, 5);
    const relay = startRelay(database.sql, flakyBus(published, 2), { lingerMs: 0, shared: pg !== null });
    relay.wake();
    await drain(database);
    await relay.stop();
    expect(published).toHaveLength(6 * 5);
    for (let k = 0; k < 6; k++) {
      expect(published.filter((r) => r.key === `key-${k}`).map((r) => r.value)).toEqual(Array.from({ length: 5 }, (_, n) => `key-${k}#${n}`));
    }
  } finally {
    await database.close();
    await pg?.drop();
  }
}, 60_000);

test("the embedded relay publishes in id order too", async () => {
  const database = await openPglite();
  const published: { relay: string; r: BusRecord }[] = [];
  const relay = startRelay(database.sql, recordingBus(published, "only"), { lingerMs: 0 });
  await fill(database, 5, 10);
  relay.wake();
  await drain(database);
  await relay.stop();
  for (let k = 0; k < 5; k++) {
    expect(published.filter((p) => p.r.key === `key-${k}`).map((p) => p.r.value)).toEqual(Array.from({ length: 10 }, (_, n) => `key-${k}#${n}`));
  }
  await database.close();
});
