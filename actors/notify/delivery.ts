/**
 * The delivery worker: sends the notifier's due messages (notify.messages) after their
 * commit, through the channel ports, at least once, the row's key as the idempotency key /
 * Message-ID; marks each sent, or due again with backoff, or failed after its last attempt
 * (or at once, when the channel says sending again will not help).
 */
import type { Sql } from "../../db/sql.ts";
import type { Channel, Template } from "../notification.ts";
import { renderMessage } from "../../views/notify/messages.tsx";
import { agoSql, purgeTask } from "../runtime/retention.ts";

export type Outbound = { messageId: string; to: string; subject: string; html: string; text: string };
/** A channel's provider (SMTP, an SMS gateway, the in-database mailbox); throws when it did not take the message. */
export type ChannelPort = { send(m: Outbound): Promise<void> };
export type ChannelPorts = Record<Channel, ChannelPort>;

/** A channel's answer that sending again will not change (an SMTP 5xx): the message fails at once. */
export class Undeliverable extends Error {
  override name = "Undeliverable";
}

/** The SMS simulator's number that always fails (for tests and demos). */
export const FAILING_SMS_NUMBER = "+15005550001";

/** The SMS simulator: takes every message except to `FAILING_SMS_NUMBER`. */
export function smsSimulator(): ChannelPort & { sent: Outbound[] } {
  const sent: Outbound[] = [];
  return {
    sent,
    async send(m) {
      if (m.to === FAILING_SMS_NUMBER) throw new Error(`simulated SMS failure for ${FAILING_SMS_NUMBER}`);
      if (!sent.some((s) => s.messageId === m.messageId)) sent.push(m);
    },
  };
}

/** The embedded default's mailbox: the row itself is the delivered mail /admin/mail shows. */
export const mailboxPort: ChannelPort = { send: async () => {} };

export type DeliveryConfig = {
  publicUrl: string; maxAttempts: number; firstBackoffMs: number; batch: number;
  /** after a message's new status or attempt is written, with what it is about (live pages) */
  changed?(about: string[]): void;
};

/** How long a claimed message is left to the worker that claimed it before another may take it. */
export const CLAIM_LEASE_MS = 60_000;

type Due = { id: string; key: string; subject: string; channel: Channel; recipient: string; data: string; attempts: number };

/** Send what is due at `now`; returns how many were sent and how many failed this round. */
export async function deliverDue(sql: Sql, ports: ChannelPorts, cfg: DeliveryConfig, now: Date): Promise<{ sent: number; failed: number }> {
  // Claimed by pushing their next_at a lease ahead: another worker (a second actors process)
  // skips them, and a worker that dies mid-send leaves them due again after the lease.
  const due = await sql.query<Due>(
    `UPDATE notify.messages SET next_at = $3::text::timestamptz WHERE id IN (
       SELECT id FROM notify.messages WHERE status = 'pending' AND next_at <= $1::text::timestamptz
        ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id::text, key, subject, channel, recipient, data::text, attempts`,
    [now.toISOString(), cfg.batch, new Date(now.getTime() + CLAIM_LEASE_MS).toISOString()]);
  due.sort((a, b) => Number(a.id) - Number(b.id));
  let sent = 0;
  let failed = 0;
  for (const m of due) {
    const r = renderMessage(JSON.parse(m.data) as Template, m.channel, cfg.publicUrl);
    try {
      await ports[m.channel].send({ messageId: m.key, to: m.recipient, ...r });
      await sql.query(`UPDATE notify.messages SET status = 'sent', attempts = attempts + 1, sent_at = $2::text::timestamptz, last_error = ''
        WHERE id = $1::bigint AND status = 'pending'`, [m.id, new Date().toISOString()]);
      sent++;
    } catch (err) {
      const attempts = m.attempts + 1;
      const last = err instanceof Undeliverable || attempts >= cfg.maxAttempts;
      const next = new Date(now.getTime() + cfg.firstBackoffMs * 2 ** (attempts - 1));
      await sql.query(`UPDATE notify.messages SET status = $2, attempts = $3, next_at = $4::text::timestamptz, last_error = $5
        WHERE id = $1::bigint AND status = 'pending'`, [m.id, last ? "failed" : "pending", attempts, next.toISOString(), String(err).slice(0, 500)]);
      if (last) failed++;
    }
    cfg.changed?.([m.subject]);
  }
  return { sent, failed };
}

/** Sent and failed messages older than `keepMs` go (README: "Tables that stay bounded"); pending ones stay. */
export const messagesUpkeep = (keepMs: number) =>
  purgeTask("notify.messages", `status <> 'pending' AND created_at < ${agoSql(1)}`, keepMs);
