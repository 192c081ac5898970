/**
 * A command that creates its key is ONE statement even when it arms timers: the state, its
 * events and its timers are inserted together, only if the key is new.
 */
import { afterEach, expect, test } from "bun:test";
import { openPglite, type Database } from "../../db/client.ts";
import { orderKind, participantKinds, type KindHooks } from "../kinds.ts";
import { CFG, ORDER, PLACE } from "../testing/test-kit.ts";
import { Runner } from "./runner.ts";

let database: Database;
afterEach(() => database?.close());

test("placing an order writes it, its event and its stall timer in one statement; placing it again arms nothing", async () => {
  database = await openPglite();
  const statements: string[] = [];
  const sql = { ...database.sql, query: (text: string, params?: unknown[]) => (statements.push(text), database.sql.query(text, params)) } as typeof database.sql;
  const armed: Date[] = [];
  const runner = new Runner(orderKind(CFG), {
    sql, call: () => Promise.resolve(undefined), now: () => new Date(), maxAttempts: 3, onOutbox: () => {}, onTimer: (at) => void armed.push(at),
  });

  const placed = await runner.create(ORDER, { kind: "command", command: PLACE });
  expect(placed.kind).toBe("ok");
  expect(statements).toHaveLength(1);
  const timers = await database.sql.query<{ name: string; token: string }>("SELECT name, token FROM runtime.timers WHERE key = $1", [ORDER]);
  expect(timers).toEqual([{ name: "sagaStalled", token: "CREATED:1" }]);
  expect(await database.sql.query("SELECT type FROM runtime.outbox WHERE key = $1", [ORDER])).toEqual([{ type: "order.OrderCreated.v1" }]);
  expect(armed).toHaveLength(1);

  await database.sql.query("UPDATE runtime.timers SET token = 'kept' WHERE key = $1", [ORDER]);
  const again = await runner.create(ORDER, { kind: "command", command: PLACE });
  expect(again.kind).toBe("reject");
  expect(await database.sql.query("SELECT token FROM runtime.timers WHERE key = $1", [ORDER])).toEqual([{ token: "kept" }]);
});

test("a follower of a creation writes in that same statement: the order's read model comes with it, and not again for a repeat", async () => {
  database = await openPglite();
  const statements: string[] = [];
  const sql = { ...database.sql, query: (text: string, params?: unknown[]) => (statements.push(text), database.sql.query(text, params)) } as typeof database.sql;
  const deps = { sql, call: () => Promise.resolve(undefined), now: () => new Date(), maxAttempts: 3, onOutbox: () => {} };
  const views: string[] = [];
  const projector = new Runner(participantKinds(hooks((id, v) => void views.push(`${id} ${v.status}`))).projector, deps);
  const runner = new Runner(orderKind(CFG), deps, [projector]);

  expect((await runner.create(ORDER, { kind: "command", command: PLACE })).kind).toBe("ok");
  expect(statements).toHaveLength(1);
  expect(await database.sql.query("SELECT status FROM ordering.order_views WHERE id = $1", [ORDER])).toEqual([{ status: "CREATED" }]);
  expect(await database.sql.query("SELECT orders FROM ordering.figures_by_status WHERE status = 'CREATED'")).toEqual([{ orders: 1 }]);
  expect(views).toEqual([`${ORDER} CREATED`]);

  await database.sql.query("UPDATE ordering.order_views SET view = jsonb_set(view, '{total}', '1') WHERE id = $1", [ORDER]);
  expect((await runner.create(ORDER, { kind: "command", command: PLACE })).kind).toBe("reject");
  expect(await database.sql.query("SELECT view->>'total' AS total FROM ordering.order_views WHERE id = $1", [ORDER])).toEqual([{ total: "1" }]);
  expect(await database.sql.query("SELECT orders FROM ordering.figures_by_status WHERE status = 'CREATED'")).toEqual([{ orders: 1 }]);
  expect(views).toHaveLength(1);
});

/** Hooks that hear views and nothing else. */
function hooks(viewChanged: KindHooks["viewChanged"]): KindHooks {
  return { viewChanged, stockChanged: () => {}, deadLettered: () => {}, orderAlertsChanged: () => {}, messagesQueued: () => {} };
}
