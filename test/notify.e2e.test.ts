/**
 * The notifier end to end: a registered customer's order is confirmed by email, and the
 * delivery worker of the running shop sends it (marks it sent) without anyone asking;
 * and /admin/mail lists it, previews it and sends a failed one again (audited).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ENGINES } from "./engines.ts";
import { startShop, waitUntil, type Shop } from "./kit.ts";
import { visitor } from "./visitor.ts";

type Row = { template: string; channel: string; recipient: string; status: string; attempts: number };

describe.each(ENGINES)("notifier on %s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({ publicUrl: "https://shop.example.com" }, undefined, engine);
  });
  afterAll(() => shop.stop());

  test("an order's confirmation goes out on its own and is marked sent", async () => {
    const email = `notify-${engine}@example.com`;
    const signUp = await shop.call("POST", "/api/auth/register", { body: { email, password: "analytical1", name: "Ada Lovelace" } });
    expect(signUp.status).toBe(201);
    const id = await shop.place(signUp.json.user.id, { key: `notify-${engine}` });
    const rows = () => shop.sys.database.sql.query<Row>(
      "SELECT template, channel, recipient, status, attempts FROM notify.messages WHERE subject = $1 ORDER BY id", [id]);
    await waitUntil(async () => (await rows()).some((r) => r.template === "orderConfirmed" && r.status === "sent"), 15_000, "the confirmation sent");
    expect((await rows()).find((r) => r.template === "orderConfirmed")).toEqual({ template: "orderConfirmed", channel: "email", recipient: email, status: "sent", attempts: 1 });
    const metrics = await shop.sys.metrics.render();
    expect(metrics).toMatch(/saga_notify_sent_seconds\{priority="critical",quantile="0.5"\} [0-9.e-]+/);
    expect(metrics).toContain('saga_notify_sla_missed{priority="critical"} 0');
  });

  test("/admin/mail lists, filters and previews messages, and sends a failed one again (audited)", async () => {
    const data = { kind: "shipped", orderId: "o-mail", carrier: "Post", trackingNumber: "TRK-<b>9" };
    const [row] = await shop.sys.database.sql.query<{ id: string }>(
      `INSERT INTO notify.messages (key, event_id, subject, user_id, channel, recipient, template, priority, data, status, attempts, last_error, created_at, next_at)
       VALUES ($1, 'e-mail', 'o-mail', 'u-mail', 'email', 'grace@example.com', 'shipped', 'high', $2::jsonb, 'failed', 5, 'mailbox down', now(), now())
       RETURNING id::text`, [`e-mail:${engine}`, JSON.stringify(data)]);
    const id = row!.id;
    const page = await visitor(shop).signIn(`mail-admin-${engine}`, "admin");
    const list = await (await page.get("/admin/mail?status=failed&channel=email")).text();
    expect(list).toContain(`href="/admin/mail/${id}"`);
    expect(list).toContain("mailbox down");
    expect(list).toContain("Queued to sent, last hour");
    expect(await (await page.get("/admin/mail?status=sent&channel=sms")).text()).not.toContain(`href="/admin/mail/${id}"`);
    const one = await (await page.get(`/admin/mail/${id}`)).text();
    expect(one).toMatch(new RegExp(`<iframe [^>]*\\bsandbox src="/admin/mail/${id}/preview"`));
    expect(one).toContain("https://shop.example.com/orders/o-mail");
    expect(one).not.toContain("TRK-<b>9");
    const preview = await page.get(`/admin/mail/${id}/preview`);
    expect(preview.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(preview.headers.get("content-security-policy")).toContain("sandbox");
    const mail = await preview.text();
    expect(mail).toContain("https://shop.example.com/orders/o-mail");
    expect(mail).not.toContain("TRK-<b>9");
    expect(one).toContain(`action="/admin/mail/${id}/resend"`);
    const again = await page.post(`/admin/mail/${id}/resend`, {});
    expect([again.status, again.headers.get("location")]).toEqual([303, `/admin/mail/${id}?resent=1`]);
    expect((await page.post(`/admin/mail/${id}/resend`, {})).status).toBe(409);
    const status = async () => (await shop.sys.database.sql.query<{ status: string }>("SELECT status FROM notify.messages WHERE id = $1::bigint", [id]))[0]!.status;
    await waitUntil(async () => (await status()) === "sent", 15_000, "the message sent again");
    const { entries } = await shop.sys.audit.list({ objectId: id, limit: 10 });
    expect(entries.map((e) => [e.action, e.objectType, e.outcome])).toEqual([["message.resend", "message", "refused"], ["message.resend", "message", "done"]]);
    // bad input names the problem; what is not there is a 404
    expect((await page.get("/admin/mail?status=lost")).status).toBe(400);
    expect((await page.get("/admin/mail?before=-1")).status).toBe(400);
    expect((await page.get("/admin/mail/abc")).status).toBe(400);
    expect((await page.get("/admin/mail/99999999")).status).toBe(404);
    expect((await page.post("/admin/mail/99999999/resend", {})).status).toBe(404);
  });

  test("guests and customers are refused", async () => {
    const guest = visitor(shop);
    const cy = await visitor(shop).signIn(`mail-cy-${engine}`);
    expect((await guest.get("/admin/mail")).status).toBe(303);
    expect((await cy.get("/admin/mail")).status).toBe(403);
    expect((await cy.get("/admin/mail/1")).status).toBe(403);
    expect((await cy.get("/admin/mail/1/preview")).status).toBe(403);
    expect((await guest.post("/admin/mail/1/resend", {})).status).toBe(401);
    expect((await cy.post("/admin/mail/1/resend", {})).status).toBe(403);
  });
});
