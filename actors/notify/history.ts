/**
 * Who was told what: one customer's messages, newest first and paged (their account page),
 * and every message about one order (the admin's order page). A customer's list is read by
 * their own user id only, so no one sees another's messages.
 */
import type { Sql } from "../../db/sql.ts";
import { renderMessage } from "../../views/notify/messages.tsx";
import type { Channel, Template } from "../notification.ts";
import { COLUMNS, messageOf, type Message, type MessageStatus, type Row } from "./mailbox.ts";

/** A message as its recipient sees it in their history. */
export type SentMessage = {
  id: number;
  /** the subject line it went out with */
  title: string;
  channel: Channel;
  recipient: string;
  status: MessageStatus;
  createdAt: Date;
  sentAt: Date | null;
  /** the order it is about, when it is about one */
  orderId: string | null;
};
export type HistoryPage = { messages: SentMessage[]; next: number | null };

/** How many of an order's messages its page lists at most (an order makes about ten). */
const ORDER_MESSAGES_MAX = 200;

export class MessageHistory {
  constructor(private readonly sql: Sql, private readonly publicUrl: string) {}

  /** `userId`'s messages, newest first, `limit` a page; `next` is the cursor (`before`) of the next page, or null. */
  async ofCustomer(userId: string, q: { before?: number; limit: number }): Promise<HistoryPage> {
    const rows = await this.sql.query<Row & { data: string }>(
      `SELECT ${COLUMNS}, data::text FROM notify.messages m
        WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY m.id DESC LIMIT $3`,
      [userId, q.before === undefined ? null : String(q.before), q.limit + 1]);
    const messages = rows.slice(0, q.limit).map((r) => this.seen(r));
    return { messages, next: rows.length > q.limit ? messages[messages.length - 1]!.id : null };
  }

  /** Every message about `orderId`, oldest first, with its recipient, status and attempts. */
  async aboutOrder(orderId: string): Promise<Message[]> {
    const rows = await this.sql.query<Row>(
      `SELECT ${COLUMNS} FROM notify.messages m WHERE subject = $1 ORDER BY m.id LIMIT ${ORDER_MESSAGES_MAX}`, [orderId]);
    return rows.map(messageOf);
  }

  private seen(r: Row & { data: string }): SentMessage {
    const m = messageOf(r);
    const template = JSON.parse(r.data) as Template;
    return {
      id: m.id, title: renderMessage(template, m.channel, this.publicUrl).subject, channel: m.channel, recipient: m.recipient,
      status: m.status, createdAt: m.createdAt, sentAt: m.sentAt, orderId: "orderId" in template ? template.orderId : null,
    };
  }
}
