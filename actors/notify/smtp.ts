/**
 * The email channel over SMTP (nodemailer): each message as one mail with an HTML and a
 * plain-text part. Its Message-ID is derived from the message's key, so a send retried after
 * its answer was lost carries the same id and a receiving server or client can drop the copy.
 * The server's answer decides what follows: a 5xx (or an address no server will take) is
 * `Undeliverable` - the message fails at once and an admin may send it again; a 4xx, a
 * refused or dropped connection, or a timeout is thrown as is and retried with backoff.
 */
import { createTransport } from "nodemailer";
import { CLAIM_LEASE_MS, Undeliverable, type ChannelPort, type Outbound } from "./delivery.ts";

export type SmtpOptions = {
  /** smtp://[user:pass@]host:port, or smtps:// for TLS from the first byte */
  url: string;
  /** the From header, `Name <address>` */
  from: string;
  /** the connection's timeouts; a whole send gets `sendMs`, well inside the worker's claim on the message */
  timeouts?: { connectMs: number; greetingMs: number; socketMs: number; sendMs: number };
};

const TIMEOUTS = { connectMs: 10_000, greetingMs: 10_000, socketMs: 20_000, sendMs: CLAIM_LEASE_MS / 2 };

/** `<key@domain>` with the key's characters that a Message-ID may not hold replaced: the same key, the same id. */
export function messageIdOf(key: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? "localhost";
  return `<${key.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, ".").replace(/\.{2,}/g, ".").replace(/^\.|\.$/g, "")}@${domain}>`;
}

/** What an SMTP failure says, for the message's last error: the server's reply when there was one. */
type SmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string };
const describe = (e: SmtpError) =>
  e.response ? `${e.response}${e.command ? ` (after ${e.command})` : ""}` : `${e.code ? `${e.code}: ` : ""}${e.message}`;

/** A 5xx reply, or an address refused before any server saw it, will not change by sending again. */
export const permanent = (e: SmtpError) =>
  (e.responseCode !== undefined && e.responseCode >= 500) || (e.code === "EENVELOPE" && e.responseCode === undefined);

/** The email port over SMTP; one connection per mail, closed after it. */
export function smtpPort(o: SmtpOptions): ChannelPort {
  const t = o.timeouts ?? TIMEOUTS;
  const transport = createTransport({
    url: o.url, connectionTimeout: t.connectMs, greetingTimeout: t.greetingMs, socketTimeout: t.socketMs,
  });
  return {
    async send(m: Outbound) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`SMTP send took longer than ${t.sendMs} ms`)), t.sendMs);
      });
      try {
        await Promise.race([deadline, transport.sendMail({
          from: o.from, to: m.to, subject: m.subject, html: m.html, text: m.text,
          messageId: messageIdOf(m.messageId, o.from), headers: { "Auto-Submitted": "auto-generated" },
        })]);
      } catch (err) {
        const e: SmtpError = err instanceof Error ? err : new Error(String(err));
        if (permanent(e)) throw new Undeliverable(describe(e));
        throw new Error(describe(e));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
