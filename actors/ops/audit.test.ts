/** The audit log on real databases: written before the action, settled after, listed newest first. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Db } from "../../db/client.ts";
import { ENGINES } from "../../test/engines.ts";
import { openEngine } from "../../test/accounts-kit.ts";
import { NotFound, OrderConflict } from "../contracts/errors.ts";
import { AuditLog } from "./audit.ts";

const ada = { sub: "admin-ada", name: "Ada" };
const bob = { sub: "admin-bob", name: "Bob" };

describe.each(ENGINES)("audit log on %s", (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let audit: AuditLog;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    audit = new AuditLog(db);
  }, 30_000);
  afterAll(() => close());

  test("an action that runs is settled done with the state it left; the entry existed while it ran", async () => {
    let seenWhileRunning: string | undefined;
    const result = await audit.record(ada, { action: "order.retry", objectType: "order", objectId: "o-1", fromState: "PAYMENT_FAILED", reason: "card fixed" },
      async () => {
        seenWhileRunning = (await audit.list({ objectId: "o-1", limit: 5 })).entries[0]?.outcome;
        return { status: "PAYMENT_AUTHORIZED" };
      }, (r) => r.status);
    expect(result).toEqual({ status: "PAYMENT_AUTHORIZED" });
    expect(seenWhileRunning).toBe("pending");
    const [entry] = (await audit.list({ objectId: "o-1", limit: 5 })).entries;
    expect(entry).toMatchObject({
      adminId: "admin-ada", adminName: "Ada", action: "order.retry", objectType: "order", objectId: "o-1",
      fromState: "PAYMENT_FAILED", toState: "PAYMENT_AUTHORIZED", reason: "card fixed", outcome: "done", detail: "",
    });
    expect(entry!.at).toBeInstanceOf(Date);
  });

  test("a refused action is settled refused with the refusal's message, and the refusal reaches the caller", async () => {
    const error = await audit.record(ada, { action: "order.cancel", objectType: "order", objectId: "o-2", fromState: "SHIPPED", reason: "asked" },
      () => Promise.reject(new OrderConflict("SHIPPED", "cannot cancel a shipped order"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderConflict);
    const [entry] = (await audit.list({ objectId: "o-2", limit: 5 })).entries;
    expect(entry).toMatchObject({ outcome: "refused", toState: null, detail: "cannot cancel a shipped order" });
  });

  test("an action that fails for an unknown reason stays pending: whether it took effect is not known", async () => {
    const error = await audit.record(bob, { action: "dead-letter.replay", objectType: "dead-letter", objectId: "9", reason: "" },
      () => Promise.reject(new Error("connection lost"))).catch((e: unknown) => e);
    expect((error as Error).message).toBe("connection lost");
    const [entry] = (await audit.list({ objectId: "9", limit: 5 })).entries;
    expect(entry).toMatchObject({ outcome: "pending", adminId: "admin-bob" });
  });

  test("filters by admin, action and object, and pages newest first with a cursor", async () => {
    for (let i = 0; i < 5; i++) {
      await audit.record(bob, { action: "stock.adjust", objectType: "product", objectId: "BOK-001", reason: `count ${i}` }, async () => null);
    }
    await audit.record(ada, { action: "stock.adjust", objectType: "product", objectId: "BOK-002", reason: "x" },
      () => Promise.reject(new NotFound("no such product"))).catch(() => undefined);
    const first = await audit.list({ adminId: "admin-bob", action: "stock.adjust", limit: 3 });
    expect(first.entries.map((e) => e.reason)).toEqual(["count 4", "count 3", "count 2"]);
    expect(first.next).not.toBeNull();
    const second = await audit.list({ adminId: "admin-bob", action: "stock.adjust", limit: 3, before: first.next! });
    expect(second.entries.map((e) => e.reason)).toEqual(["count 1", "count 0"]);
    expect(second.next).toBeNull();
    expect((await audit.list({ objectType: "product", objectId: "BOK-002", limit: 5 })).entries.map((e) => e.outcome)).toEqual(["refused"]);
    const future = new Date(Date.now() + 60_000);
    expect((await audit.list({ from: future, limit: 5 })).entries).toEqual([]);
    expect((await audit.list({ to: future, adminId: "admin-ada", limit: 50 })).entries.length).toBe(3);
    const choices = await audit.choices();
    expect(choices.admins).toEqual([{ id: "admin-ada", name: "Ada" }, { id: "admin-bob", name: "Bob" }]);
    expect(choices.actions).toEqual(["dead-letter.replay", "order.cancel", "order.retry", "stock.adjust"]);
  });
});
