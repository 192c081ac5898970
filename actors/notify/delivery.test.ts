import { afterAll, describe, expect, test } from "bun:test";
import { asc } from "drizzle-orm";
import { messages } from "../../db/schema.ts";
import { databases, ENGINES } from "../../test/engines.ts";
import { waitUntil } from "../../test/kit.ts";
import { deliverDue, FAILING_SMS_NUMBER, mailboxPort, messagesUpkeep, smsSimulator, Undeliverable, type Outbound } from "./delivery.ts";
import { startDelivery } from "./worker.ts";

const dbs = databases();
afterAll(() => dbs.closeAll());
const T0 = new Date("2030-01-01T00:00:00.000Z");
const CFG = { publicUrl: "https://shop.example.com", maxAttempts: 3, firstBackoffMs: 1000, batch: 50 };
const shipped = { kind: "shipped", orderId: "o-1", carrier: "Post", trackingNumber: "TRK-1" };
const row = (key: string, channel: "email" | "sms", recipient: string) => ({
  key, eventId: "e-1", subject: "o-1", userId: "u-1", channel, recipient, template: "shipped", priority: "high" as const,
  data: shipped, createdAt: T0, nextAt: T0,
});

describe.each(ENGINES)("delivery on %s", (engine) => {
  test("sent once; a failing number retries with backoff and ends failed", async () => {
    const database = await dbs.open(engine);
    await database.db.insert(messages).values([
      row("e-1:u-1:email", "email", "ada@example.com"), row("e-1:u-1:sms", "sms", "+41790000000"), row("e-1:u-2:sms", "sms", FAILING_SMS_NUMBER),
    ]);
    const mail: Outbound[] = [];
    const sms = smsSimulator();
    const ports = { email: { send: async (m: Outbound) => void mail.push(m) }, sms };
    expect(await deliverDue(database.sql, ports, CFG, T0)).toEqual({ sent: 2, failed: 0 });
    expect(mail.map((m) => [m.messageId, m.to])).toEqual([["e-1:u-1:email", "ada@example.com"]]);
    expect(mail[0]!.text).toContain("https://shop.example.com/orders/o-1");
    expect(sms.sent.map((m) => m.text)).toEqual([expect.stringContaining("TRK-1")]);
    // not due again before its backoff; then twice more (1 s, 2 s) and failed
    expect(await deliverDue(database.sql, ports, CFG, T0)).toEqual({ sent: 0, failed: 0 });
    expect(await deliverDue(database.sql, ports, CFG, new Date(T0.getTime() + 1000))).toEqual({ sent: 0, failed: 0 });
    expect(await deliverDue(database.sql, ports, CFG, new Date(T0.getTime() + 3000))).toEqual({ sent: 0, failed: 1 });
    const rows = await database.db.select().from(messages).orderBy(asc(messages.id));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([["sent", 1], ["sent", 1], ["failed", 3]]);
    expect(rows[2]!.lastError).toContain("simulated SMS failure");
    expect(await deliverDue(database.sql, { ...ports, email: mailboxPort }, CFG, new Date(T0.getTime() + 60_000))).toEqual({ sent: 0, failed: 0 });
    expect(mail).toHaveLength(1);
  });

  test("a message the channel calls undeliverable fails at once, with the channel's reason; others go on", async () => {
    const database = await dbs.open(engine);
    await database.db.insert(messages).values([row("e-1:u-1:email", "email", "gone@example.com"), row("e-1:u-2:email", "email", "ada@example.com")]);
    const mail: Outbound[] = [];
    const email = {
      send: async (m: Outbound) => {
        if (m.to.startsWith("gone")) throw new Undeliverable("550 5.1.1 no such mailbox");
        mail.push(m);
      },
    };
    expect(await deliverDue(database.sql, { email, sms: smsSimulator() }, CFG, T0)).toEqual({ sent: 1, failed: 1 });
    const rows = await database.db.select().from(messages).orderBy(asc(messages.id));
    expect(rows.map((r) => [r.recipient, r.status, r.attempts])).toEqual([["gone@example.com", "failed", 1], ["ada@example.com", "sent", 1]]);
    expect(rows[0]!.lastError).toBe("Undeliverable: 550 5.1.1 no such mailbox");
    expect(mail.map((m) => m.to)).toEqual(["ada@example.com"]);
  });

  test("every status or attempt written is announced with what the message is about", async () => {
    const database = await dbs.open(engine);
    await database.db.insert(messages).values([row("e-3:u-1:email", "email", "ada@example.com"), row("e-3:u-2:sms", "sms", FAILING_SMS_NUMBER)]);
    const heard: string[][] = [];
    const cfg = { ...CFG, changed: (about: string[]) => void heard.push(about) };
    await deliverDue(database.sql, { email: mailboxPort, sms: smsSimulator() }, cfg, T0);
    expect(heard).toEqual([["o-1"], ["o-1"]]);
    await deliverDue(database.sql, { email: mailboxPort, sms: smsSimulator() }, cfg, T0); // nothing due: nothing heard
    expect(heard).toHaveLength(2);
  });

  test("two workers at once send each message once: a claimed message is skipped by the other", async () => {
    const database = await dbs.open(engine);
    await database.db.insert(messages).values(Array.from({ length: 20 }, (_, i) => row(`e-1:u-${i}:email`, "email", `c${i}@example.com`)));
    const mail: Outbound[] = [];
    const ports = { email: { send: async (m: Outbound) => void mail.push(m) }, sms: smsSimulator() };
    const rounds = await Promise.all([deliverDue(database.sql, ports, CFG, T0), deliverDue(database.sql, ports, CFG, T0)]);
    expect(rounds[0]!.sent + rounds[1]!.sent).toBe(20);
    expect(new Set(mail.map((m) => m.messageId)).size).toBe(20);
    expect(mail).toHaveLength(20);
  });

  test("the worker sends what was queued when woken, and stops", async () => {
    const database = await dbs.open(engine);
    const mail: Outbound[] = [];
    const ports = { email: { send: async (m: Outbound) => void mail.push(m) }, sms: smsSimulator() };
    // a tick far away: only the wake-up can make it send
    const worker = startDelivery(database.sql, ports, { ...CFG, tickMs: 600_000 });
    try {
      const now = new Date();
      await database.db.insert(messages).values({ ...row("e-2:u-1:email", "email", "ada@example.com"), createdAt: now, nextAt: now });
      worker.wake();
      await waitUntil(async () => mail.length === 1);
      expect(mail[0]!.messageId).toBe("e-2:u-1:email");
      // the row is marked sent after the channel took the mail
      await waitUntil(async () => (await database.db.select().from(messages))[0]?.status === "sent", 10_000, "the message marked sent");
    } finally {
      await worker.stop();
    }
  });

  test("sent and failed messages go after their retention; pending ones stay, however old", async () => {
    const database = await dbs.open(engine);
    const DAY = 24 * 3600_000;
    const at = (days: number) => new Date(Date.now() - days * DAY);
    const old = (key: string, status: "pending" | "sent" | "failed", days: number) =>
      ({ ...row(key, "email", "ada@example.com"), status, createdAt: at(days), nextAt: at(days) });
    await database.db.insert(messages).values([
      old("old-sent", "sent", 31), old("old-failed", "failed", 31), old("old-pending", "pending", 31), old("new-sent", "sent", 2),
    ]);
    expect(await messagesUpkeep(30 * DAY)(database.sql)).toBe(2);
    expect((await database.db.select().from(messages).orderBy(asc(messages.id))).map((r) => r.key)).toEqual(["old-pending", "new-sent"]);
  });
});
