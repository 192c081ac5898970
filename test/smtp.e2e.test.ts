/**
 * Email over SMTP end to end: the shop (SMTP_URL set) sends to a real SMTP server in this
 * process, and what arrives is parsed and followed - the verification link verifies the
 * account, the reset link's form sets a password that then signs in, the order confirmation
 * shows the order's amounts. A server that answers 451 once gets the mail again, once; a 550
 * fails the message at once, visible on /admin/mail, and an admin sends it again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ParsedMail } from "mailparser";
import { formatMoney } from "../views/format.ts";
import type { Engine } from "./engines.ts";
import { startShop, waitUntil, type Shop } from "./kit.ts";
import { addressesOf, linkIn, startCatcher, type Catcher } from "./smtp-catcher.ts";
import { visitor } from "./visitor.ts";

const BASE = "https://shop.example.com";
const FROM = "Saga Shop <orders@shop.example.com>";
type Row = { key: string; template: string; status: string; attempts: number; last_error: string };

describe.each(["embedded", "distributed"] satisfies Engine[])("email over SMTP on %s", (engine) => {
  let catcher: Catcher;
  let shop: Shop;
  beforeAll(async () => {
    catcher = await startCatcher({
      rcpt: (to) => (to.startsWith("bounce-") ? { code: 550, message: "5.1.1 no such mailbox here" } : undefined),
      data: (mail, before) => (addressesOf(mail).some((a) => a.startsWith("flaky-")) && before === 0 ? { code: 451, message: "4.3.0 try again later" } : undefined),
    });
    shop = await startShop({ publicUrl: BASE, smtpUrl: catcher.url, mailFrom: FROM, delivery: { firstBackoffMs: 100, tickMs: 50 } }, undefined, engine);
  });
  afterAll(async () => {
    await shop?.stop();
    await catcher?.stop();
  });

  const rowsOf = (recipient: string) => shop.sys.database.sql.query<Row>(
    "SELECT key, template, status, attempts, last_error FROM notify.messages WHERE recipient = $1 ORDER BY id", [recipient]);
  const register = async (local: string) => {
    const email = `${local}-${engine}@example.com`;
    const res = await shop.call("POST", "/api/auth/register", { body: { email, password: "analytical1", firstName: "Ada", lastName: "Lovelace" } });
    expect([res.status, res.status === 201 ? "" : res.json]).toEqual([201, ""]);
    return { email, id: res.json.user.id as string };
  };
  /** The mail's link to the shop, as a path this shop's app answers. */
  const follow = (mail: ParsedMail) => {
    const link = linkIn(mail.text ?? "", BASE);
    expect(mail.html).toContain(link.href.replaceAll("&", "&amp;"));
    return link.pathname + link.search;
  };

  test("register: the verification mail arrives, HTML and text, and its link verifies the account once", async () => {
    const { email, id } = await register("ada");
    const mail = await catcher.mailTo(email, /^Confirm your email address$/);
    expect(mail.from?.value).toEqual([{ name: "Saga Shop", address: "orders@shop.example.com" }]);
    expect(mail.text).toContain("Hi Ada, please confirm this address");
    expect(mail.html).toContain("<h1>Confirm your email</h1>");
    expect(mail.messageId).toMatch(/@shop\.example\.com>$/);
    expect(await shop.sys.accounts.emailUnverified(id)).toBe(true);
    const path = follow(mail);
    expect(path).toStartWith("/verify-email?token=");
    expect((await visitor(shop).get(path)).status).toBe(200);
    expect(await shop.sys.accounts.emailUnverified(id)).toBe(false);
    expect((await visitor(shop).get(path)).status).toBe(400);
    await catcher.mailTo(email, /^Welcome to Saga Shop, Ada$/);
    // every message is still on /admin/mail, sent
    expect((await rowsOf(email)).map((r) => [r.template, r.status])).toEqual([["welcome", "sent"], ["verifyEmail", "sent"]]);
  });

  test("forgot password: the reset mail's link opens the form, and the new password signs in", async () => {
    const { email } = await register("grace");
    const guest = visitor(shop);
    const asked = await guest.post("/forgot-password", { email });
    expect([asked.status, asked.status === 200 ? "" : await asked.text()]).toEqual([200, ""]);
    const mail = await catcher.mailTo(email, /^Reset your password$/);
    const path = follow(mail);
    const form = await (await guest.get(path)).text();
    const token = /name="token" value="([^"]+)"/.exec(form)?.[1];
    expect(token).toBeDefined();
    const reset = await guest.post("/reset-password", { token: token!, password: "difference2" });
    expect([reset.status, reset.headers.get("location")]).toEqual([303, "/login"]);
    const login = await visitor(shop).post("/login", { email, password: "difference2", next: "/account" });
    expect([login.status, login.headers.get("location")]).toEqual([303, "/account"]);
    await catcher.mailTo(email, /^Your password was changed$/);
  });

  test("an order's confirmation arrives with the order's lines and total", async () => {
    const { email, id } = await register("order");
    const orderId = await shop.place(id, { sku: "AUD-001", qty: 2 });
    const order = (await shop.call("GET", `/api/orders/${orderId}`, { token: await shop.token("admin") })).json;
    const mail = await catcher.mailTo(email, new RegExp(`^Order ${orderId} received$`));
    const line = order.items[0];
    const money = (n: number) => formatMoney(n, order.currency);
    expect(mail.text).toContain(`2 x ${line.name}  ${money(2 * line.unitPrice)}`);
    expect(mail.text).toContain(`Total: ${money(order.total)}`);
    expect(mail.html).toContain(money(order.total));
    expect(follow(mail)).toBe(`/orders/${orderId}`);
  });

  test("a 451 is tried again and the mail delivered once; a 550 fails at once, shown on /admin/mail, and an admin sends it again", async () => {
    const flaky = await register("flaky");
    const bounce = await register("bounce");
    await waitUntil(async () => (await rowsOf(flaky.email)).every((r) => r.status === "sent") && (await rowsOf(flaky.email)).length === 2,
      15_000, "the deferred mails sent");
    const mails = catcher.received.filter((m) => addressesOf(m).includes(flaky.email));
    expect(mails.map((m) => m.subject).sort()).toEqual(["Confirm your email address", "Welcome to Saga Shop, Ada"]);
    for (const m of mails) expect(catcher.triesOf(m.messageId!)).toBe(2);
    expect((await rowsOf(flaky.email)).map((r) => r.attempts)).toEqual([2, 2]);

    await waitUntil(async () => (await rowsOf(bounce.email)).filter((r) => r.status === "failed").length === 2, 15_000, "the bounced mails failed");
    const failed = await rowsOf(bounce.email);
    for (const r of failed) {
      expect(r.attempts).toBe(1);
      expect(r.last_error).toContain("550 5.1.1 no such mailbox here");
    }
    const admin = await visitor(shop).signIn(`smtp-admin-${engine}`, "admin");
    const list = await (await admin.get("/admin/mail?status=failed&channel=email")).text();
    expect(list).toContain(bounce.email);
    expect(list).toContain("550 5.1.1 no such mailbox here");
    // the mailbox exists now: sent again, it arrives
    catcher.rules.rcpt = undefined;
    const [verify] = await shop.sys.database.sql.query<{ id: string }>(
      "SELECT id::text FROM notify.messages WHERE recipient = $1 AND template = 'verifyEmail'", [bounce.email]);
    expect((await admin.post(`/admin/mail/${verify!.id}/resend`, {})).status).toBe(303);
    await catcher.mailTo(bounce.email, /^Confirm your email address$/);
  });
});
