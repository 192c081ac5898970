/**
 * Durable timers: rows in runtime.timers. When one is due it becomes a message in the
 * outbox (the kind says which: `fired`), in the same transaction that deletes it, so it
 * reaches the actor through its own mailbox, in order with everything else for that key.
 */
import type { Sql } from "../../db/sql.ts";
import { envelope, topicOf, type Emit } from "../contracts/index.ts";
import { together } from "../../db/sql.ts";
import { outboxInsert, run, timersDelete } from "./writes.ts";
import { log } from "./log.ts";
import { Signal } from "./signal.ts";

export type Timers = {
  stop(): Promise<void>;
  /** A timer was set for `at`: sweep then rather than at the next tick. */
  schedule(at: Date): void;
};

/** A timer that is due, as its row says. */
export type DueTimer = { kind: string; key: string; name: string; token: string };

/** Sweep due timers every `tickMs` (or at the time `schedule` names) into the outbox as `fired(timer)` (null: a timer nobody knows, dropped). */
export function startTimers(db: Sql, opts: { tickMs: number; now(): Date; onOutbox(): void; fired(t: DueTimer): Emit | null }): Timers {
  const signal = new Signal();
  let stopping = false;
  let early: ReturnType<typeof setTimeout> | null = null;
  let earlyAt = Infinity;

  async function fireDue(): Promise<number> {
    const now = opts.now();
    return db.transaction(async (tx) => {
      const due = await tx.query<DueTimer>(`SELECT kind, key, name, token FROM runtime.timers
        WHERE fire_at <= $1::text::timestamptz ORDER BY fire_at LIMIT 500 FOR UPDATE SKIP LOCKED`, [now.toISOString()]);
      if (due.length === 0) return 0;
      const rows = due.flatMap((t) => {
        const emit = opts.fired(t);
        // A timer the kind no longer knows (set by an older version) could only be dead-lettered: drop it, loudly.
        if (!emit) {
          log.error("dropped a timer with an unknown name", { kind: t.kind, key: t.key, name: t.name });
          return [];
        }
        const env = envelope(emit, t.key, now, null, crypto.randomUUID());
        return [{ eventId: env.eventId, topic: topicOf(env.type), key: t.key, type: env.type, message: JSON.stringify(env) }];
      });
      await run(tx, together([...outboxInsert(rows), ...timersDelete(due)])!);
      return due.length;
    });
  }

  const done = (async () => {
    while (!stopping) {
      try {
        const n = await fireDue();
        if (n > 0) opts.onOutbox();
        if (n < 500) await signal.wait(opts.tickMs);
      } catch (err) {
        log.warn("timer sweep failed", { error: err });
        await signal.wait(opts.tickMs * 4);
      }
    }
  })();

  return {
    schedule(at) {
      const when = at.getTime();
      if (when >= earlyAt) return;
      if (early) clearTimeout(early);
      earlyAt = when;
      early = setTimeout(() => {
        early = null;
        earlyAt = Infinity;
        signal.notify();
      }, Math.max(0, when - Date.now()));
    },
    async stop() {
      if (early) clearTimeout(early);
      stopping = true;
      signal.notify();
      await done;
    },
  };
}
