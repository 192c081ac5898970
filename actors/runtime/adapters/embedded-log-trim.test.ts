import { afterAll, describe, expect, test } from "bun:test";
import { databases, ENGINES } from "../../../test/engines.ts";
import type { Topic } from "../../contracts/index.ts";
import { EmbeddedBus } from "./embedded-bus.ts";
import { trimLog } from "./embedded-log-trim.ts";

const HOUR = 3600_000;
const records = (topic: Topic, n: number) => Array.from({ length: n }, (_, i) => ({ topic, key: "order-1", value: `${topic}:${i}` }));

describe.each(ENGINES)("embedded log trim on %s", (engine) => {
  const dbs = databases();
  afterAll(() => dbs.closeAll());

  async function open() {
    const database = await dbs.open(engine);
    const bus = await EmbeddedBus.open(database.db, { partitions: 1, lanes: 1, lingerMs: 0 });
    const offsets = async (topic: Topic) => (await database.sql.query<{ offset: string }>(
      `SELECT "offset"::text FROM runtime.log WHERE topic = $1 ORDER BY "offset"`, [topic])).map((r) => Number(r.offset));
    return { database, bus, offsets };
  }

  test("records below the lowest offset every group committed go; the rest stay and are still read", async () => {
    const { bus, database, offsets } = await open();
    await bus.publish(records("order.events", 10));
    await bus.commit("actors", [{ topic: "order.events", partition: 0, offset: 7 }]);
    await bus.commit("audit", [{ topic: "order.events", partition: 0, offset: 4 }]);
    expect(await trimLog(database.sql, bus.positions(), HOUR)).toBe(4);
    expect(await offsets("order.events")).toEqual([4, 5, 6, 7, 8, 9]);
    // read from the table (a reopened log holds no records in memory)
    const reopened = await EmbeddedBus.open(database.db, { partitions: 1, lanes: 1, lingerMs: 0 });
    expect((await reopened.read("order.events", 0, 4)).map((d) => d.value)).toEqual(["order.events:4", "order.events:5", "order.events:6",
      "order.events:7", "order.events:8", "order.events:9"]);
  });

  test("the newest record of a partition stays, so the log resumes its offsets after a restart", async () => {
    const { bus, database, offsets } = await open();
    await bus.publish(records("order.events", 5));
    await bus.commit("actors", [{ topic: "order.events", partition: 0, offset: 5 }]);
    await trimLog(database.sql, bus.positions(), HOUR);
    expect(await offsets("order.events")).toEqual([4]);
    const reopened = await EmbeddedBus.open(database.db, { partitions: 1, lanes: 1, lingerMs: 0 });
    await reopened.publish(records("order.events", 1));
    expect(await offsets("order.events")).toEqual([4, 5]);
  });

  test("a partition no group reads keeps its records for the retention, then they go", async () => {
    const { bus, database, offsets } = await open();
    await bus.publish(records("dead-letter", 6));
    await database.sql.query(`UPDATE runtime.log SET at = now() - interval '2 hours' WHERE topic = 'dead-letter' AND "offset" < 3`);
    expect(await trimLog(database.sql, bus.positions(), 3 * HOUR)).toBe(0);
    expect(await trimLog(database.sql, bus.positions(), HOUR)).toBe(3);
    expect(await offsets("dead-letter")).toEqual([3, 4, 5]);
  });
});
