import { afterAll, describe, expect, test } from "bun:test";
import { asc } from "drizzle-orm";
import { messages } from "../../db/schema.ts";
import { databases, ENGINES } from "../../test/engines.ts";
import { deliverDue, FAILING_SMS_NUMBER, mailboxPort, smsSimulator, type Outbound } from "./delivery.ts";

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
});
