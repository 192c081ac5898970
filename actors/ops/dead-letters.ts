/**
 * Parked messages: an admin reads them and replays or discards each, or every waiting one
 * a filter selects. A replay forgets that the failing consumer processed the message and
 * publishes it again through the outbox; the other consumers of the topic still skip it as
 * already processed. A discard settles it: it stays on record and is never delivered again.
 * Every change is announced (`onChange`) so admins' lists follow live.
 */
import { and, count, desc, eq, ilike, isNotNull, isNull, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { deadLetters, outbox, processedEvents } from "../../db/schema.ts";
import { ContractError, parseEnvelope } from "../contracts/index.ts";
import { DeadLetterConflict, NotFound } from "../contracts/errors.ts";
import type { DeadLetterState } from "./dead-letter-rules.ts";

export type DeadLetter = typeof deadLetters.$inferSelect;
export type DeadLetterFilter = {
  state?: DeadLetterState;
  consumer?: string;
  topic?: string;
  /** the message's key (its order id) starts with this */
  key?: string;
  /** keyset cursor: letters with a smaller id (older) */
  before?: number;
  limit: number;
};

/** At most this many letters change in one bulk action; the rest wait for the next. */
export const BULK_LIMIT = 500;

const waiting = and(isNull(deadLetters.replayedAt), isNull(deadLetters.discardedAt))!;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditions(f: Omit<DeadLetterFilter, "limit" | "before">): SQL[] {
  const where: SQL[] = [];
  if (f.state === "waiting") where.push(waiting);
  if (f.state === "replayed") where.push(isNotNull(deadLetters.replayedAt));
  if (f.state === "discarded") where.push(isNotNull(deadLetters.discardedAt));
  if (f.consumer) where.push(eq(deadLetters.consumer, f.consumer));
  if (f.topic) where.push(eq(deadLetters.topic, f.topic));
  if (f.key) where.push(ilike(deadLetters.key, `${escapeLike(f.key)}%`));
  return where;
}

export class DeadLetters {
  constructor(private db: Db, private onOutbox: () => void, private onChange: (changed: number) => void = () => {}) {}

  /** Newest first, one page; `next` is the cursor for the page after, null on the last. */
  async page(f: DeadLetterFilter): Promise<{ letters: DeadLetter[]; next: number | null }> {
    const where = conditions(f);
    if (f.before !== undefined) where.push(lt(deadLetters.id, f.before));
    const rows = await this.db.select().from(deadLetters).where(and(...where)).orderBy(desc(deadLetters.id)).limit(f.limit + 1);
    const letters = rows.slice(0, f.limit);
    return { letters, next: rows.length > f.limit ? letters.at(-1)!.id : null };
  }

  async get(id: number): Promise<DeadLetter> {
    const [row] = await this.db.select().from(deadLetters).where(eq(deadLetters.id, id));
    if (!row) throw new NotFound(`no dead letter ${id}`);
    return row;
  }

  /** How many parked messages wait for an admin. */
  async waiting(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(deadLetters).where(waiting);
    return row?.n ?? 0;
  }

  /** The consumers and topics that have letters, for the filter's choices. */
  async choices(): Promise<{ consumers: string[]; topics: string[] }> {
    const rows = await this.db.selectDistinct({ consumer: deadLetters.consumer, topic: deadLetters.topic }).from(deadLetters);
    return {
      consumers: [...new Set(rows.map((r) => r.consumer))].sort(),
      topics: [...new Set(rows.map((r) => r.topic))].sort(),
    };
  }

  /** The ids of the waiting letters `f` selects, oldest first, at most BULK_LIMIT. */
  async waitingIds(f: Omit<DeadLetterFilter, "limit" | "before" | "state">): Promise<number[]> {
    const rows = await this.db.select({ id: deadLetters.id }).from(deadLetters)
      .where(and(waiting, ...conditions(f))).orderBy(deadLetters.id).limit(BULK_LIMIT);
    return rows.map((r) => r.id);
  }

  /** Publish a parked message again for its consumer; 409 when it still breaks its contract. */
  async replay(id: number): Promise<DeadLetter> {
    const replayed = await this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(deadLetters).where(and(eq(deadLetters.id, id), waiting)).for("update");
      if (!row) throw new NotFound(`no waiting dead letter ${id}`);
      let env;
      try {
        env = parseEnvelope(row.message);
      } catch (err) {
        if (err instanceof ContractError) throw new DeadLetterConflict("UNREPLAYABLE", `dead letter ${id} breaks its contract: ${err.message}`);
        throw err;
      }
      await tx.delete(processedEvents).where(and(eq(processedEvents.consumer, row.consumer), eq(processedEvents.eventId, env.eventId)));
      // A new outbox row (its own id) carrying the original message and eventId.
      await tx.insert(outbox).values({ eventId: crypto.randomUUID(), topic: row.topic, key: env.key, type: env.type, message: row.message });
      const [done] = await tx.update(deadLetters).set({ replayedAt: new Date() }).where(eq(deadLetters.id, id)).returning();
      return done!;
    });
    this.onOutbox();
    this.onChange(1);
    return replayed;
  }

  /** Settle a waiting letter without delivering it again. */
  async discard(id: number): Promise<DeadLetter> {
    const [done] = await this.db.update(deadLetters).set({ discardedAt: new Date() }).where(and(eq(deadLetters.id, id), waiting)).returning();
    if (!done) throw new NotFound(`no waiting dead letter ${id}`);
    this.onChange(1);
    return done;
  }
}
