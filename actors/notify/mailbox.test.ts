import { afterAll, describe, expect, test } from "bun:test";
import { messages } from "../../db/schema.ts";
import { databases, ENGINES } from "../../test/engines.ts";
import { Mailbox } from "./mailbox.ts";

const dbs = databases();
afterAll(() => dbs.closeAll());
const T0 = new Date("2030-01-01T00:00:00.000Z");
const row = (i: number) => ({
  key: `e-${i}:u-1:email`, eventId: `e-${i}`, subject: `o-${i}`, userId: "u-1", channel: "email" as const, recipient: "ada@example.com",
  template: "delivered", priority: "high" as const, data: { kind: "delivered", orderId: `o-${i}` }, createdAt: T0, nextAt: T0,
});

describe.each(ENGINES)("the mailbox on %s", (engine) => {
  test("newest first by number (12 before 9), paged by cursor; a message sent again is announced", async () => {
    const database = await dbs.open(engine);
    await database.db.insert(messages).values(Array.from({ length: 12 }, (_, i) => row(i + 1)));
    const heard: string[][] = [];
    const mailbox = new Mailbox(database.sql, "https://shop.example.com", (about) => void heard.push(about));
    const first = await mailbox.page({ limit: 5 });
    expect(first.messages.map((m) => m.id)).toEqual([12, 11, 10, 9, 8]);
    const rest = await mailbox.page({ limit: 10, before: first.next! });
    expect([rest.messages.map((m) => m.id), rest.next]).toEqual([[7, 6, 5, 4, 3, 2, 1], null]);
    await database.sql.query("UPDATE notify.messages SET status = 'failed' WHERE id = 10");
    await mailbox.resend(10);
    expect(heard).toEqual([["o-10"]]);
  });
});
