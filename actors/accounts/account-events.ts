/**
 * The account's events on user.events (key: the user id), written to the outbox in the
 * transaction that makes the change, so an event goes out exactly when its change commits.
 * The notifier reads them and sends the mail.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Q } from "../../db/client.ts";
import type { Stmt } from "../../db/sql.ts";
import { envelope, topicOf, type Emit } from "../contracts/index.ts";
import { outboxInsert, type OutboxRow } from "../runtime/writes.ts";

/** The outbox rows for `events` of the account `userId`, each starting its own trace. */
export function accountRows(userId: string, events: Emit[], at: Date): OutboxRow[] {
  return events.map((e) => {
    const env = envelope(e, userId, at, null, crypto.randomUUID());
    return { eventId: env.eventId, topic: topicOf(env.type), key: userId, type: env.type, message: JSON.stringify(env) };
  });
}

/** Writes `events` of `userId` to the outbox on `q` (a transaction, so they commit with the change). */
export async function publishAccountEvents(q: Q, userId: string, events: Emit[], at: Date): Promise<void> {
  for (const stmt of outboxInsert(accountRows(userId, events, at))) await q.execute(drizzleOf(stmt));
}

/** A numbered-parameter statement as drizzle SQL ($n become bound parameters). */
function drizzleOf(stmt: Stmt): SQL {
  const parts = stmt.text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${stmt.params[Number(part) - 1]}`));
  return sql.join(chunks);
}
