/**
 * Queue tables churn: every published event and fired timer leaves a dead row version and
 * dead index entries behind, and a scan that meets them pays for each. Their consumers keep
 * them small themselves - every `everyMs` they purge what has served its time and vacuum -
 * rather than count on autovacuum, which may be off and by default waits until a fifth of
 * the table is dead.
 */
import type { Sql } from "../../db/sql.ts";
import { log } from "./log.ts";

/** The relay deletes what it published; the upkeep vacuums what the deletes leave. */
export async function outboxUpkeep(db: Sql): Promise<void> {
  // SKIP_LOCKED: when another relay is already vacuuming, leave it to that one
  await db.query("VACUUM (SKIP_LOCKED) runtime.outbox");
}

/** Fired and cancelled timers are deleted as they go; the sweeper only vacuums what they leave. */
export async function timersUpkeep(db: Sql): Promise<void> {
  await db.query("VACUUM (SKIP_LOCKED) runtime.timers");
}

/**
 * PGlite runs as one backend with no checkpointer, so nothing checkpoints on a timer: its
 * write-ahead log only gives segments back at a checkpoint its own volume forces, at
 * max_wal_size (1 GB) - the data directory grew by 75 MB a minute at 20 orders/s. A
 * CHECKPOINT every minute, as a server's checkpointer would do on its timer, lets it
 * recycle them: pg_wal stays near min_wal_size (80 MB). Postgres checkpoints by itself.
 */
export async function checkpointUpkeep(db: Sql): Promise<void> {
  await db.query("CHECKPOINT");
}

/** The runtime's own queue and state tables, which every actors process writes. */
export const RUNTIME_TABLES = ["runtime.actor_state", "runtime.processed_events", "runtime.timers", "runtime.outbox"] as const;

/**
 * Fresh statistics for the tables the actors write (`tables`: the runtime's and the kinds'
 * stores'). Besides better estimates, an ANALYZE drops the plans Postgres cached for the
 * runtime's prepared statements: a plan chosen while a table had twenty rows (scan it all,
 * filter the keys) would otherwise serve it at millions. Autovacuum would analyze them
 * too, if it runs, once a tenth of a table changed.
 */
export function statisticsUpkeep(tables: readonly string[]): (db: Sql) => Promise<void> {
  const list = [...new Set(tables)];
  if (list.some((t) => !/^[a-z_]+\.[a-z_]+$/.test(t))) throw new Error(`not a table name: ${list.join(", ")}`);
  return async (db) => void (await db.query(`ANALYZE (SKIP_LOCKED) ${list.join(", ")}`));
}

/** Run `task` every `everyMs` until stopped; a failure is logged and tried at the next turn. */
export function startUpkeep(db: Sql, task: (db: Sql) => Promise<unknown>, everyMs = 30_000): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= task(db).then(() => undefined, (err) => log.warn("table upkeep failed", { error: err })).finally(() => (running = null));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
