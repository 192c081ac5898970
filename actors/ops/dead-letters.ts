/**
 * Parked messages: an admin can read them and replay one. A replay forgets that the
 * failing consumer processed the message and publishes it again through the outbox;
 * the other consumers of the topic still skip it as already processed.
 */
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { deadLetters, outbox, processedEvents } from "../../db/schema.ts";
import { ContractError, parseEnvelope } from "../contracts/index.ts";
import { DeadLetterConflict, NotFound } from "../contracts/errors.ts";

export type DeadLetter = typeof deadLetters.$inferSelect;

export class DeadLetters {
  constructor(private db: Db, private onOutbox: () => void) {}

  list(limit: number): Promise<DeadLetter[]> {
    return this.db.select().from(deadLetters).orderBy(desc(deadLetters.id)).limit(limit);
  }

  /** How many parked messages wait for an admin (not yet replayed). */
  async waiting(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(deadLetters).where(isNull(deadLetters.replayedAt));
    return row?.n ?? 0;
  }

  /** Publish a parked message again for its consumer; 409 when it still breaks its contract. */
  async replay(id: number): Promise<DeadLetter> {
    const replayed = await this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(deadLetters).where(and(eq(deadLetters.id, id), isNull(deadLetters.replayedAt))).for("update");
      if (!row) throw new NotFound(`no unreplayed dead letter ${id}`);
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
    return replayed;
  }
}
