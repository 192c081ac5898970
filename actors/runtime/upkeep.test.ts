import { afterAll, describe, expect, test } from "bun:test";
import { databases, ENGINES } from "../../test/engines.ts";
import { checkpointUpkeep, outboxUpkeep, RUNTIME_TABLES, startUpkeep, statisticsUpkeep } from "./upkeep.ts";

describe.each(ENGINES)("table upkeep on %s", (engine) => {
  const dbs = databases();
  afterAll(() => dbs.closeAll());

  test("the outbox upkeep vacuums what published rows leave and deletes nothing (every row in the outbox is unpublished)", async () => {
    const { sql } = await dbs.open(engine);
    await sql.query(`INSERT INTO runtime.outbox (event_id, topic, key, type, message, created_at)
      SELECT gen_random_uuid(), 'order.events', 'k-' || i, 'order.StatusChanged.v1', '{}', now() - interval '3 hours'
      FROM generate_series(1, 2000) AS i`);
    await sql.query("DELETE FROM runtime.outbox WHERE key <> 'k-7'");
    const vacuums = async () => engine !== "embedded"
      ? Number((await sql.query<{ n: string }>("SELECT (vacuum_count)::text AS n FROM pg_stat_user_tables WHERE relid = 'runtime.outbox'::regclass"))[0]?.n)
      : 0;
    const before = await vacuums();
    const upkeep = startUpkeep(sql, outboxUpkeep, 20);
    await Bun.sleep(300);
    await upkeep.stop();
    const left = (await sql.query<{ key: string }>("SELECT key FROM runtime.outbox ORDER BY key")).map((r) => r.key);
    expect(left).toEqual(["k-7"]);
    if (engine !== "embedded") {
      // the statistics collector reports a moment later
      await Bun.sleep(600);
      expect(await vacuums()).toBeGreaterThan(before);
    }
  });

  test("statistics upkeep analyzes the tables the actors write", async () => {
    const { sql } = await dbs.open(engine);
    await sql.query("INSERT INTO runtime.actor_state (kind, key, state) SELECT 'payment', 'o-' || i, '{}' FROM generate_series(1, 50) AS i");
    const analyzed = async () => (await sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'runtime' AND tablename = 'actor_state'"))[0]?.n ?? 0;
    expect(await analyzed()).toBe(0);
    await statisticsUpkeep([...RUNTIME_TABLES, "ordering.orders"])(sql);
    expect(await analyzed()).toBeGreaterThan(0);
  });

  test("the checkpoint upkeep moves the checkpoint (PGlite has no checkpointer to do it)", async () => {
    const { sql } = await dbs.open(engine);
    const redo = async () => (await sql.query<{ lsn: string }>("SELECT redo_lsn::text AS lsn FROM pg_control_checkpoint()"))[0]!.lsn;
    const before = await redo();
    await sql.query("CREATE TABLE public.churn AS SELECT i FROM generate_series(1, 1000) AS i");
    await checkpointUpkeep(sql);
    expect(await redo()).not.toBe(before);
  });

  test("statistics upkeep refuses what is not a schema-qualified table name", () => {
    expect(() => statisticsUpkeep(["runtime.outbox; DROP TABLE x"])).toThrow("not a table name");
  });
});
