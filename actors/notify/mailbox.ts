/**
 * The notifier's messages as the admins see them (/admin/mail): listed newest first by
 * status and channel, one with its rendered mail, a failed one sent again, and how fast
 * messages went out against the seed's SLAs (critical < 1 min, high < 5 min).
 */
import type { Sql } from "../../db/sql.ts";
import { renderMessage } from "../../views/notify/messages.tsx";
import { MessageConflict, NotFound } from "../contracts/errors.ts";
import type { Channel, Template } from "../notification.ts";

export const MESSAGE_STATUSES = ["pending", "sent", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export const PRIORITIES = ["critical", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];
/** The seed's delivery SLAs: enqueue to sent. */
export const SLA_MS: Record<Priority, number> = { critical: 60_000, high: 5 * 60_000 };

export type Message = {
  id: number; key: string; subject: string; userId: string; channel: Channel; recipient: string; template: string;
  priority: Priority; status: MessageStatus; attempts: number; lastError: string; createdAt: Date; sentAt: Date | null;
};
export type Rendered = Message & { title: string; html: string; text: string };
export type SlaFigures = { priority: Priority; sent: number; p50Ms: number | null; p99Ms: number | null; missed: number };

/** A notify.messages row as COLUMNS reads it. */
export type Row = {
  id: string; key: string; subject: string; user_id: string; channel: Channel; recipient: string; template: string; priority: Priority;
  status: MessageStatus; attempts: number; last_error: string; created_at: string; sent_at: string | null; data?: string;
};
/** The columns a Message is read from; `id` is text here, so a list orders by the table's (`m.id`). */
export const COLUMNS = `id::text, key, subject, user_id, channel, recipient, template, priority, status, attempts, last_error,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS sent_at`;
/** A row as the shop shows it. */
export const messageOf = (r: Row): Message => ({
  id: Number(r.id), key: r.key, subject: r.subject, userId: r.user_id, channel: r.channel, recipient: r.recipient, template: r.template,
  priority: r.priority, status: r.status, attempts: r.attempts, lastError: r.last_error, createdAt: new Date(r.created_at),
  sentAt: r.sent_at ? new Date(r.sent_at) : null,
});

export class Mailbox {
  constructor(private readonly sql: Sql, private readonly publicUrl: string, private readonly changed: (about: string[]) => void = () => {}) {}

  /** Newest first, `limit` a page; `next` is the cursor (`before`) of the next page, or null. */
  async page(q: { status?: MessageStatus; channel?: Channel; before?: number; limit: number }): Promise<{ messages: Message[]; next: number | null }> {
    const rows = await this.sql.query<Row>(
      `SELECT ${COLUMNS} FROM notify.messages m
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2) AND ($3::bigint IS NULL OR id < $3::bigint)
        ORDER BY m.id DESC LIMIT $4`,
      [q.status ?? null, q.channel ?? null, q.before === undefined ? null : String(q.before), q.limit + 1]);
    const messages = rows.slice(0, q.limit).map(messageOf);
    return { messages, next: rows.length > q.limit ? messages[messages.length - 1]!.id : null };
  }

  /** One message with its mail as it was (or will be) sent. */
  async get(id: number): Promise<Rendered> {
    const [row] = await this.sql.query<Row>(`SELECT ${COLUMNS}, data::text FROM notify.messages WHERE id = $1::bigint`, [String(id)]);
    if (!row) throw new NotFound(`no message ${id}`);
    const r = renderMessage(JSON.parse(row.data!) as Template, row.channel, this.publicUrl);
    return { ...messageOf(row), title: r.subject, html: r.html, text: r.text };
  }

  /** The message's status now; a message that is not there is a NotFound. */
  async statusOf(id: number): Promise<MessageStatus> {
    const [row] = await this.sql.query<{ status: MessageStatus }>("SELECT status FROM notify.messages WHERE id = $1::bigint", [String(id)]);
    if (!row) throw new NotFound(`no message ${id}`);
    return row.status;
  }

  /** A failed message due again at once, its attempts from zero; any other is refused. */
  async resend(id: number): Promise<Message> {
    const [row] = await this.sql.query<Row>(
      `UPDATE notify.messages SET status = 'pending', attempts = 0, next_at = now(), last_error = ''
        WHERE id = $1::bigint AND status = 'failed' RETURNING ${COLUMNS}`, [String(id)]);
    if (row) {
      this.changed([row.subject]);
      return messageOf(row);
    }
    const status = await this.statusOf(id);
    throw new MessageConflict("NOT_FAILED", `message ${id} is ${status}: only a failed message can be sent again`);
  }

  /**
   * Enqueue-to-sent times of the messages queued in the last hour, per priority: p50, p99,
   * and how many missed their SLA (sent late, or still not sent past it).
   */
  async sla(): Promise<SlaFigures[]> {
    const rows = await this.sql.query<{ priority: Priority; sent: number; p50: number | null; p99: number | null; missed: number }>(
      `SELECT priority, count(sent_at)::int AS sent,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at) * 1000) AS p50,
          percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at) * 1000) AS p99,
          count(*) FILTER (WHERE coalesce(sent_at, now()) - created_at
            > CASE priority WHEN 'critical' THEN interval '${SLA_MS.critical} milliseconds' ELSE interval '${SLA_MS.high} milliseconds' END)::int AS missed
        FROM notify.messages WHERE created_at > now() - interval '1 hour' GROUP BY priority`);
    return PRIORITIES.map((priority) => {
      const r = rows.find((x) => x.priority === priority);
      const ms = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v)));
      return { priority, sent: r?.sent ?? 0, p50Ms: ms(r?.p50), p99Ms: ms(r?.p99), missed: r?.missed ?? 0 };
    });
  }
}
