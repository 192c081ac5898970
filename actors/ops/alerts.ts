/**
 * The admins' alerts (admin.alerts): listed, counted and acknowledged here. The order's
 * alerts are written by the projector in its own transaction (actors/stores.ts); dead
 * letters and low stock are reconciled here from their own rows after they change - and
 * once when a process starts, so a change whose reconciling was lost with its process is
 * caught up. Every change is announced (`onChange`) so the admins' pages follow live.
 */
import { and, count, desc, eq, isNull, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { alerts } from "../../db/schema.ts";
import type { Sql } from "../../db/sql.ts";
import { agoSql, purgeTask } from "../runtime/retention.ts";
import { AlertConflict, NotFound } from "../contracts/errors.ts";
import { log } from "../runtime/log.ts";
import type { AlertKind, AlertSummary } from "./alert-rules.ts";
import type { Admin } from "./audit.ts";

export type Alert = typeof alerts.$inferSelect;
export type AlertFilter = {
  kind?: AlertKind;
  /** keyset cursor: alerts with a smaller id (older) */
  before?: number;
  limit: number;
};
/** How many alerts are open, in all and of each kind. */
export type AlertCounts = { total: number; byKind: Partial<Record<AlertKind, number>> };

const open = and(isNull(alerts.resolvedAt), isNull(alerts.acknowledgedAt))!;

/**
 * Open low-stock alerts for products that are low, resolve those that are not (`$1`: the SKUs,
 * null for all). Low is the rule of actors/catalog/stock-sql.ts (`isLow`): on sale, under its own
 * threshold, and ever stocked - a product created at 0 is not stocked yet, nothing fell.
 */
const LOW_STOCK_SYNC = `WITH s AS (
    SELECT st.sku, st.on_hand - st.reserved AS available, p.name, p.low_stock_threshold AS threshold,
      (p.archived_at IS NULL AND st.on_hand - st.reserved < p.low_stock_threshold
        AND EXISTS (SELECT 1 FROM inventory.movements m WHERE m.sku = st.sku AND m.delta_on_hand > 0)) AS low
    FROM inventory.stock_totals st JOIN catalog.products p ON p.sku = st.sku
    WHERE $1::text[] IS NULL OR st.sku = ANY($1::text[])
  ), opened AS (
    INSERT INTO admin.alerts (kind, subject, summary, details)
    SELECT 'lowStock', s.sku, s.name || ' (' || s.sku || '): ' || s.available || ' left', jsonb_build_object('available', s.available, 'threshold', s.threshold)
    FROM s WHERE s.low
    ON CONFLICT (subject, kind) WHERE resolved_at IS NULL DO NOTHING RETURNING 1
  ), resolved AS (
    UPDATE admin.alerts AS a SET resolved_at = now() FROM s
    WHERE a.kind = 'lowStock' AND a.subject = s.sku AND a.resolved_at IS NULL AND NOT s.low RETURNING 1
  ) SELECT ((SELECT count(*) FROM opened) + (SELECT count(*) FROM resolved))::int AS n`;

/** Open an alert for every waiting dead letter that has none; resolve those whose letter was replayed, discarded or purged. */
const DEAD_LETTER_SYNC = `WITH opened AS (
    INSERT INTO admin.alerts (kind, subject, summary, details, opened_at)
    SELECT 'deadLetter', d.id::text, d.consumer || ' could not handle a message on ' || d.topic || coalesce(' for ' || d.key, ''),
      jsonb_build_object('consumer', d.consumer, 'topic', d.topic, 'key', d.key, 'error', left(d.error, 300)), d.at
    FROM runtime.dead_letters d
    WHERE d.replayed_at IS NULL AND d.discarded_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM admin.alerts a WHERE a.subject = d.id::text AND a.kind = 'deadLetter' AND a.resolved_at IS NULL)
    ON CONFLICT (subject, kind) WHERE resolved_at IS NULL DO NOTHING RETURNING 1
  ), resolved AS (
    UPDATE admin.alerts AS a SET resolved_at = now()
    WHERE a.kind = 'deadLetter' AND a.resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM runtime.dead_letters d
      WHERE d.id::text = a.subject AND d.replayed_at IS NULL AND d.discarded_at IS NULL) RETURNING 1
  ) SELECT ((SELECT count(*) FROM opened) + (SELECT count(*) FROM resolved))::int AS n`;

export class Alerts {
  constructor(private db: Db, private sql: Sql, private onChange: (changed: number) => void = () => {}) {}

  /** Open alerts, newest first, one page; `next` is the cursor for the page after, null on the last. */
  async page(f: AlertFilter): Promise<{ alerts: Alert[]; next: number | null }> {
    const where: SQL[] = [open];
    if (f.kind) where.push(eq(alerts.kind, f.kind));
    if (f.before !== undefined) where.push(lt(alerts.id, f.before));
    const rows = await this.db.select().from(alerts).where(and(...where)).orderBy(desc(alerts.id)).limit(f.limit + 1);
    const page = rows.slice(0, f.limit);
    return { alerts: page, next: rows.length > f.limit ? page.at(-1)!.id : null };
  }

  async get(id: number): Promise<Alert> {
    const [row] = await this.db.select().from(alerts).where(eq(alerts.id, id));
    if (!row) throw new NotFound(`no alert ${id}`);
    return row;
  }

  /** How many alerts are open, of each kind. */
  async counts(): Promise<AlertCounts> {
    const rows = await this.db.select({ kind: alerts.kind, n: count() }).from(alerts).where(open).groupBy(alerts.kind);
    return { total: rows.reduce((sum, r) => sum + r.n, 0), byKind: Object.fromEntries(rows.map((r) => [r.kind, r.n])) };
  }

  /** How many alerts are open, and the newest `n` of them. */
  async summary(n = 3): Promise<AlertSummary> {
    const [counted, latest] = await Promise.all([
      this.db.select({ n: count() }).from(alerts).where(open),
      this.db.select({ id: alerts.id, kind: alerts.kind, subject: alerts.subject, summary: alerts.summary })
        .from(alerts).where(open).orderBy(desc(alerts.id)).limit(n),
    ]);
    return { open: counted[0]?.n ?? 0, latest };
  }

  /** How many sagas are stalled now (acknowledged or not): for the overview. */
  async stalledSagas(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(alerts).where(and(eq(alerts.kind, "stalled"), isNull(alerts.resolvedAt)));
    return row?.n ?? 0;
  }

  /** Take an open alert off the open list; 409 when it is no longer open. */
  async acknowledge(id: number, admin: Admin, reason: string): Promise<Alert> {
    const [done] = await this.db.update(alerts).set({ acknowledgedAt: new Date(), acknowledgedBy: admin.name ?? admin.sub, ackReason: reason })
      .where(and(eq(alerts.id, id), open)).returning();
    if (!done) {
      const was = await this.get(id);
      throw new AlertConflict("NOT_OPEN", `alert ${id} is ${was.resolvedAt ? "resolved" : "acknowledged"} already`);
    }
    this.onChange(1);
    return done;
  }

  /** Bring the low-stock alerts of `skus` (all products when omitted) in line with their stock; returns how many changed. */
  syncLowStock(skus?: string[]): Promise<number> {
    if (skus?.length === 0) return Promise.resolve(0);
    return this.sync(LOW_STOCK_SYNC, [skus ?? null]);
  }

  /** Bring the dead letters' alerts in line with the letters waiting; returns how many changed. */
  syncDeadLetters(): Promise<number> {
    return this.sync(DEAD_LETTER_SYNC, []);
  }

  private letters: Promise<void> | null = null;
  private lettersAgain = false;

  /**
   * Reconcile the letters' alerts after a change, in the background: changes while it runs
   * make one more run, not one each (a bulk replay settles hundreds of letters one by one).
   */
  syncDeadLettersSoon(): void {
    if (this.letters) {
      this.lettersAgain = true;
      return;
    }
    this.letters = (async () => {
      do {
        this.lettersAgain = false;
        await this.syncDeadLetters().catch((err) => log.warn("dead letter alerts not reconciled", { error: err }));
      } while (this.lettersAgain);
      this.letters = null;
    })();
  }

  private async sync(text: string, params: unknown[]): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(text, params);
    const n = Number(row?.n ?? 0);
    if (n > 0) this.onChange(n);
    return n;
  }
}

/** Alerts resolved longer ago than `keepMs` go; open and acknowledged ones stay until they resolve. */
export const resolvedAlertsUpkeep = (keepMs: number) => purgeTask("admin.alerts", `resolved_at < ${agoSql(1)}`, keepMs);
