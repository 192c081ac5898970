import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openPglite, type Database } from "../../db/client.ts";
import { orderBacklog, workStatuses, type BacklogOptions } from "./order-backlog.ts";

let database: Database;
beforeAll(async () => {
  database = await openPglite();
});
afterAll(() => database.close());

const place = (id: string, status = "CREATED") => database.sql.query(
  `INSERT INTO ordering.orders (id, customer_id, status, state, created_at, updated_at) VALUES ($1, 'c-1', $2, '{}', now(), now())
   ON CONFLICT (id) DO UPDATE SET status = excluded.status`, [id, status]);
const move = (id: string, status: string) => database.sql.query(`UPDATE ordering.orders SET status = $2 WHERE id = $1`, [id, status]);

/** A watcher on a clock the test turns (ms). */
function watcher(opts: BacklogOptions = { everyMs: 100, horizonMs: 30_000, inWork: workStatuses(15_000) }) {
  let t = 0;
  const w = orderBacklog(database.sql, opts, () => t);
  /** Place these orders (CREATED) and tell the watcher this edge accepted them, now. */
  const accept = async (...ids: string[]) => {
    for (const id of ids) {
      await place(id);
      w.accepted(id);
    }
  };
  return { w, at: (ms: number) => (t = ms), accept };
}

describe("order backlog", () => {
  test("counts the accepted orders still reserving stock or paying, and how long they waited", async () => {
    const { w, at } = watcher();
    for (const [i, id] of ["b1", "b2", "b3"].entries()) {
      await place(id);
      at(i * 100);
      w.accepted(id);
    }
    at(1_000);
    expect(await w.current()).toMatchObject({ inWork: 3, lateMs: 1_000 });
    await move("b1", "INVENTORY_RESERVED");
    await move("b2", "PAYMENT_AUTHORIZED"); // paid: what is left waits for the handling time, not for work
    at(1_300);
    expect(await w.current()).toMatchObject({ inWork: 2, lateMs: 1_300 });
    await move("b1", "PAYMENT_FAILED");
    at(1_600);
    expect(await w.current()).toMatchObject({ inWork: 1, lateMs: 1_400 });
  });

  test("the oldest 5% do not set the age: one order on a slow card among many moves nothing", async () => {
    const { w, at, accept } = watcher();
    await accept("slow");
    at(9_000);
    await accept(...Array.from({ length: 39 }, (_, i) => `q${i}`));
    at(9_200);
    expect(await w.current()).toMatchObject({ inWork: 40, lateMs: 200 });
  });

  test("however few are in work, the first minInWork never set the age: a few slow cards among a handful", async () => {
    const { w, at, accept } = watcher({ everyMs: 100, horizonMs: 30_000, inWork: workStatuses(15_000), minInWork: 3 });
    await accept("s1", "s2", "s3");
    at(5_000);
    expect(await w.current()).toMatchObject({ inWork: 3, lateMs: 0 });
    await accept("s4", "s5");
    at(5_300);
    expect(await w.current()).toMatchObject({ inWork: 5, lateMs: 300 }); // the fourth oldest
  });

  test("an order is watched for the horizon at most", async () => {
    const { w, at, accept } = watcher({ everyMs: 100, horizonMs: 5_000, inWork: workStatuses(15_000) });
    await accept("h1");
    at(6_000);
    expect(await w.current()).toMatchObject({ inWork: 0, lateMs: 0 });
  });

  test("a measure is reused within everyMs, and taken again first once twice that old", async () => {
    const { w, at, accept } = watcher();
    await accept("r1");
    expect((await w.current()).inWork).toBe(1);
    await move("r1", "SHIPPED");
    at(50);
    expect((await w.current()).inWork).toBe(1); // fresh enough
    at(500);
    expect((await w.current()).inWork).toBe(0); // stale: measured again before answering
  });

  test("an order accepted counts at once; the pace follows the orders leaving work", async () => {
    const { w, at, accept } = watcher();
    expect(await w.current()).toMatchObject({ inWork: 0, doneRate: 0 });
    await accept(...Array.from({ length: 10 }, (_, i) => `p${i}`));
    at(50);
    expect((await w.current()).inWork).toBe(10); // before any measure sees them
    for (let i = 0; i < 10; i++) await move(`p${i}`, "PAYMENT_AUTHORIZED");
    at(1_000);
    const b = await w.current();
    expect(b.inWork).toBe(0);
    expect(b.doneRate).toBeCloseTo(10 * (1 - Math.exp(-1)), 6); // 10 a second, averaged over a second
  });

  test("with no handling time, a paid order is still in work until it has shipped", async () => {
    const { w, at } = watcher({ everyMs: 100, horizonMs: 30_000, inWork: workStatuses(0) });
    await place("z1", "PAYMENT_AUTHORIZED");
    await place("z2", "PROCESSING");
    await place("z3", "SHIPPED");
    for (const id of ["z1", "z2", "z3"]) w.accepted(id);
    expect((await w.current()).inWork).toBe(2);
    await move("z1", "SHIPPED");
    at(500);
    expect((await w.current()).inWork).toBe(1);
  });
});
