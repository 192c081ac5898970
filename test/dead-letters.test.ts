/** A poison message on the live system: parked with its error, visible to admins, replayable. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, waitUntil, type Shop } from "./kit.ts";
import { ENGINES } from "./engines.ts";
import { sendUnprocessable } from "./poison.ts";

describe.each(ENGINES)("%s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({}, undefined, engine);
  });
  afterAll(() => shop.stop());

  test("a message the order cannot process is dead-lettered after maxAttempts, then replayed by an admin", async () => {
    const admin = await shop.token("admin");
    await sendUnprocessable(shop, "ghost-order");

    let parked: any[] = [];
    await waitUntil(async () => {
      parked = (await shop.call("GET", "/api/admin/dead-letters", { token: admin })).json.deadLetters;
      return parked.length === 1;
    });
    expect(parked[0]).toMatchObject({ consumer: "order", topic: "inventory.events", key: "ghost-order", attempts: 3, replayedAt: null });
    expect(parked[0].error).toContain("before its creation");
    // Everyone else moved on: an order placed afterwards still completes.
    await shop.waitFor(await shop.place("alice"), ["SHIPPED"]);

    expect((await shop.call("GET", "/api/admin/dead-letters", { token: await shop.token("customer") })).status).toBe(403);
    const replay = await shop.call("POST", `/api/admin/dead-letters/${parked[0].id}/replay`, { token: admin });
    expect(replay.status).toBe(202);
    expect(replay.json.replayedAt).not.toBeNull();
    // Still without its read model, so the order fails it again: a second, new dead letter proves redelivery.
    await waitUntil(async () => (await shop.call("GET", "/api/admin/dead-letters", { token: admin })).json.deadLetters.length === 2);
    expect((await shop.call("POST", `/api/admin/dead-letters/${parked[0].id}/replay`, { token: admin })).status).toBe(404);
    expect((await shop.call("POST", "/api/admin/dead-letters/abc/replay", { token: admin })).status).toBe(400);
  });

  test("the API filters letters, discards one and settles every waiting letter of a filter, each audited", async () => {
    const admin = await shop.token("admin", "api-ada");
    for (const key of ["api-x-1", "api-x-2", "api-y-1"]) await sendUnprocessable(shop, key);
    shop.sys.relay?.wake();
    const waitingOf = async (key: string) => (await shop.call("GET", `/api/admin/dead-letters?state=waiting&key=${key}`, { token: admin })).json.deadLetters;
    await waitUntil(async () => (await waitingOf("api-")).length === 3);
    const [y] = await waitingOf("api-y");
    const discard = await shop.call("POST", `/api/admin/dead-letters/${y.id}/discard`, { token: admin, body: { reason: "noise" } });
    expect([discard.status, discard.json.discardedAt === null]).toEqual([200, false]);
    const bulk = await shop.call("POST", "/api/admin/dead-letters/replay", { token: admin, body: { key: "api-x", reason: "fixed" } });
    expect(bulk.status).toBe(200);
    expect(bulk.json.done).toHaveLength(2);
    expect(bulk.json.refused).toEqual([]);
    expect((await shop.call("GET", "/api/admin/dead-letters?state=discarded&key=api-", { token: admin })).json.deadLetters.map((l: { id: number }) => l.id)).toEqual([y.id]);
    const audited = (await shop.sys.audit.list({ adminId: "api-ada", limit: 10 })).entries.map((e) => [e.action, e.outcome]);
    expect(audited).toEqual([["dead-letter.replay", "done"], ["dead-letter.replay", "done"], ["dead-letter.discard", "done"]]);
    expect((await shop.call("GET", "/api/admin/dead-letters?state=lost", { token: admin })).json.field).toBe("state");
  });
});
