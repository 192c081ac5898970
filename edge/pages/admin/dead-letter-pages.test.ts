/** The dead letters in the console, against a real shop: live list, a letter's page, replay, discard, bulk, audit. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, waitUntil, type Shop } from "../../../test/kit.ts";
import { sendUnprocessable } from "../../../test/poison.ts";
import { sseReader } from "../../../test/sse.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

/** An answer for an order whose read model is gone (test/poison.ts): the order fails it on every try and parks it. */
async function park(key: string): Promise<number> {
  await sendUnprocessable(shop, key);
  let id = 0;
  await waitUntil(async () => {
    const { letters } = await shop.sys.deadLetters.page({ key, limit: 5 });
    id = letters[0]?.id ?? 0;
    return id > 0;
  });
  return id;
}

const admin = () => visitor(shop).signIn("dl-ada", "admin");

describe("the list", () => {
  test("a letter parked while an admin watches appears in the list without a reload", async () => {
    const stream = await (await admin()).get("/admin/dead-letters/stream?state=waiting", { accept: "text/event-stream" });
    expect(stream.status).toBe(200);
    const sse = sseReader(stream);
    try {
      await sse.next(); // the stream is open and subscribed
      await park("ghost-live");
      let frame = await sse.message();
      while (!frame.data.includes("ghost-live")) frame = await sse.message();
      expect(frame.data).toContain('<hx-partial hx-target="#dead-letter-list" hx-swap="outerMorph">');
      expect(frame.data).toContain("inventory.InventoryReserved.v1");
      expect(frame.data).toContain("before its creation");
    } finally {
      await sse.cancel();
    }
  });

  test("filters by state, consumer and key; an unknown state is a 400 naming it", async () => {
    const id = await park("ghost-filter");
    const page = await admin();
    const waiting = await (await page.get("/admin/dead-letters?state=waiting&consumer=order&key=ghost-fil")).text();
    expect(waiting).toContain(`href="/admin/dead-letters/${id}"`);
    // the list region, not the open alerts above it, which name every waiting letter
    expect(waiting.slice(waiting.indexOf('id="dead-letter-list"'))).not.toContain("ghost-live");
    const replayed = await (await page.get("/admin/dead-letters?state=replayed&key=ghost-fil")).text();
    expect(replayed).toContain("No dead letters match.");
    const bad = await page.get("/admin/dead-letters?state=lost");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("state:");
  });

  test("guests and customers are kept out of the list, the stream and the actions", async () => {
    expect((await visitor(shop).get("/admin/dead-letters/stream", { accept: "text/event-stream" })).status).toBe(401);
    const customer = await visitor(shop).signIn("dl-cy");
    expect((await customer.get("/admin/dead-letters/stream", { accept: "text/event-stream" })).status).toBe(403);
    expect((await customer.post("/admin/dead-letters/1/discard", { reason: "x", confirm: "yes" })).status).toBe(403);
    expect((await visitor(shop).post("/admin/dead-letters/replay-selected", { reason: "x" })).status).toBe(401);
  });
});

describe("one letter", () => {
  test("its page shows where it came from, why it failed, its headers and payload, escaped", async () => {
    const id = await park("ghost-show-<script>alert(1)</script>");
    const html = await (await (await admin()).get(`/admin/dead-letters/${id}`)).text();
    expect(html).toContain(`Dead letter ${id}`);
    expect(html).toContain("before its creation");
    expect(html).toContain("&quot;type&quot;: &quot;inventory.InventoryReserved.v1&quot;");
    expect(html).toContain("&lt;script>alert(1)&lt;/script>");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toMatch(/First failed<\/dt><dd><time datetime="[^"]+"/);
    expect(html).toContain(`action="/admin/dead-letters/${id}/replay"`);
    expect(html).toContain(`action="/admin/dead-letters/${id}/discard"`);
  });

  test("replay sends it back to its consumer, audited with the reason; a second replay is refused", async () => {
    const id = await park("ghost-replay");
    const page = await admin();
    const res = await page.post(`/admin/dead-letters/${id}/replay`, { reason: "read model restored" });
    expect([res.status, res.headers.get("location")]).toEqual([303, `/admin/dead-letters/${id}?done=replay`]);
    expect((await shop.sys.deadLetters.get(id)).replayedAt).not.toBeNull();
    // still without its read model: the order parks it again as a new letter, proof it was delivered
    await waitUntil(async () => (await shop.sys.deadLetters.page({ key: "ghost-replay", limit: 5 })).letters.length === 2);
    const again = await page.post(`/admin/dead-letters/${id}/replay`, { reason: "again" });
    expect(again.status).toBe(404);
    const { entries } = await shop.sys.audit.list({ objectType: "dead-letter", objectId: String(id), limit: 5 });
    expect(entries.map((e) => [e.adminId, e.action, e.fromState, e.toState, e.outcome, e.reason])).toEqual([
      ["dl-ada", "dead-letter.replay", "waiting", null, "refused", "again"],
      ["dl-ada", "dead-letter.replay", "waiting", "replayed", "done", "read model restored"],
    ]);
  });

  test("discard needs a reason and the tick; then the letter is settled and never delivered", async () => {
    const id = await park("ghost-discard");
    const page = await admin();
    const noTick = await page.post(`/admin/dead-letters/${id}/discard`, { reason: "noise" });
    expect(noTick.status).toBe(400);
    expect(await noTick.text()).toContain("confirm:");
    const noReason = await page.post(`/admin/dead-letters/${id}/discard`, { reason: " ", confirm: "yes" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("reason:");
    expect((await shop.sys.deadLetters.get(id)).discardedAt).toBeNull();
    const res = await page.post(`/admin/dead-letters/${id}/discard`, { reason: "noise", confirm: "yes" });
    expect(res.status).toBe(303);
    expect((await shop.sys.deadLetters.get(id)).discardedAt).not.toBeNull();
    const html = await (await page.get(`/admin/dead-letters/${id}?done=discard`)).text();
    expect(html).toContain("Discarded: it will not be delivered again.");
    expect(html).not.toContain(`action="/admin/dead-letters/${id}/replay"`);
  });

  test("a bad or unknown id is a 400 or 404 page", async () => {
    const page = await admin();
    expect((await page.get("/admin/dead-letters/abc")).status).toBe(400);
    expect((await page.get("/admin/dead-letters/99999999")).status).toBe(404);
    expect((await page.post("/admin/dead-letters/99999999/replay", { reason: "x" })).status).toBe(404);
  });
});

describe("in bulk", () => {
  test("discards every waiting letter the filter selects, each audited, and leaves the others", async () => {
    const a = await park("bulk-a-1");
    const b = await park("bulk-a-2");
    const other = await park("bulk-b-1");
    const page = await admin();
    const res = await page.post("/admin/dead-letters/discard-selected", { key: "bulk-a", reason: "test noise", confirm: "yes" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/dead-letters?key=bulk-a&state=waiting&done=discard&settled=2&refused=0");
    expect((await shop.sys.deadLetters.get(a)).discardedAt).not.toBeNull();
    expect((await shop.sys.deadLetters.get(b)).discardedAt).not.toBeNull();
    expect((await shop.sys.deadLetters.get(other)).discardedAt).toBeNull();
    const audited = (await shop.sys.audit.list({ action: "dead-letter.discard", limit: 50 })).entries.map((e) => e.objectId);
    expect(audited).toEqual(expect.arrayContaining([String(a), String(b)]));
    expect(audited).not.toContain(String(other));
    const html = await (await page.get(res.headers.get("location")!)).text();
    expect(html).toContain("2 letters discarded.");
  });
});
