import { afterAll, describe, expect, test } from "bun:test";
import { createServer, type Server, type Socket } from "node:net";
import { startCatcher } from "../../test/smtp-catcher.ts";
import { Undeliverable, type Outbound } from "./delivery.ts";
import { messageIdOf, smtpPort } from "./smtp.ts";

const FROM = "Saga Shop <shop@shop.example.com>";
const mail = (to: string, key = "e-1:u-1:email"): Outbound =>
  ({ messageId: key, to, subject: "Your order", html: "<p>Thank <b>you</b></p>", text: "Thank you\n" });
const catcher = await startCatcher({
  rcpt: (to) => (to.startsWith("gone") ? { code: 550, message: "5.1.1 no such mailbox" } : to.startsWith("busy") ? { code: 451, message: "4.3.0 try later" } : undefined),
  data: (mail, before) => (mail.subject === "Lost" && before === 0 ? "drop" : undefined),
});
const open: Server[] = [];
afterAll(async () => {
  await catcher.stop();
  for (const s of open) s.close();
});

/** A TCP server on a free port that takes connections and says nothing. */
async function silentServer(): Promise<number> {
  const sockets: Socket[] = [];
  const s = createServer((socket) => void sockets.push(socket));
  s.on("close", () => sockets.forEach((x) => x.destroy()));
  open.push(s);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const a = s.address();
  if (!a || typeof a === "string") throw new Error("no port");
  return a.port;
}

describe("the SMTP email channel", () => {
  test("a mail with the HTML and the text part, from MAIL_FROM, its Message-ID derived from the message's key", async () => {
    await smtpPort({ url: catcher.url, from: FROM }).send(mail("ada@example.com"));
    const m = await catcher.mailTo("ada@example.com", /^Your order$/);
    expect(m.from?.value).toEqual([{ address: "shop@shop.example.com", name: "Saga Shop" }]);
    expect(m.html).toContain("Thank <b>you</b>");
    expect(m.text).toBe("Thank you\n");
    expect(m.messageId).toBe("<e-1.u-1.email@shop.example.com>");
    expect(m.headers.get("auto-submitted")).toBe("auto-generated");
  });

  test("the same key sent twice carries the same Message-ID; another key another", () => {
    expect(messageIdOf("e-1:u-1:email", FROM)).toBe(messageIdOf("e-1:u-1:email", FROM));
    expect(messageIdOf("e-1:u-1:email", FROM)).toBe("<e-1.u-1.email@shop.example.com>");
    expect(messageIdOf("e-1:u-2:email", FROM)).not.toBe(messageIdOf("e-1:u-1:email", FROM));
    expect(messageIdOf("a b<c>", "shop@localhost")).toBe("<a.b.c@localhost>");
  });

  test("an answer lost after the mail arrived is worth another try, and the retry is the same mail: the same Message-ID", async () => {
    const port = smtpPort({ url: catcher.url, from: FROM });
    const lost = { ...mail("lost@example.com", "e-9:u-1:email"), subject: "Lost" };
    const first = await port.send(lost).then(() => null, (e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(Undeliverable);
    await port.send(lost);
    const copies = catcher.received.filter((m) => m.subject === "Lost");
    expect(copies.map((m) => m.messageId)).toEqual(["<e-9.u-1.email@shop.example.com>", "<e-9.u-1.email@shop.example.com>"]);
  });

  test("a 5xx is undeliverable; a 4xx, a refused connection and a silent server are worth another try", async () => {
    const port = smtpPort({ url: catcher.url, from: FROM });
    const gone = await port.send(mail("gone@example.com")).then(() => null, (e: unknown) => e);
    expect(gone).toBeInstanceOf(Undeliverable);
    expect(String(gone)).toContain("550 5.1.1 no such mailbox");
    const busy = await port.send(mail("busy@example.com")).then(() => null, (e: unknown) => e);
    expect(busy).toBeInstanceOf(Error);
    expect(busy).not.toBeInstanceOf(Undeliverable);
    expect(String(busy)).toContain("451 4.3.0 try later");

    const closed = await silentServer();
    open.pop()!.close();
    const refused = await smtpPort({ url: `smtp://127.0.0.1:${closed}`, from: FROM }).send(mail("ada@example.com")).then(() => null, (e: unknown) => e);
    expect(refused).not.toBeInstanceOf(Undeliverable);
    expect(String(refused)).toContain("ECONNREFUSED");

    const timeouts = { connectMs: 500, greetingMs: 300, socketMs: 500, sendMs: 5_000 };
    const silent = smtpPort({ url: `smtp://127.0.0.1:${await silentServer()}`, from: FROM, timeouts });
    const quiet = await silent.send(mail("ada@example.com")).then(() => null, (e: unknown) => e);
    expect(quiet).not.toBeInstanceOf(Undeliverable);
    expect(String(quiet)).toContain("ETIMEDOUT");
  });
});
