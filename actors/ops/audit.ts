/**
 * The audit log of admin actions: who did what to which order, product or message, from
 * which state to which, when, and why (the reason they typed).
 *
 * An action is written before it runs (outcome `pending`) and settled after: `done` with
 * the state it left, or `refused` when the shop turned it down (illegal in the current
 * state, not found, bad input). So an action that took effect always has an entry, even if
 * the process dies between the action and its settling; such an entry stays `pending`, as
 * does one whose action failed for a reason that leaves its effect unknown (a database
 * that went away mid-way).
 */
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { auditLog } from "../../db/schema.ts";
import { Conflict, InputError, NotFound } from "../contracts/errors.ts";

export type AuditEntry = typeof auditLog.$inferSelect;
export type AuditOutcome = "pending" | "done" | "refused";

/** The admin taking the action. */
export type Admin = { sub: string; name?: string };

/** What is about to be done, to what, from which state, and why. */
export type AuditAction = {
  action: string;
  objectType: "order" | "product" | "dead-letter" | "alert" | "account" | "category" | "message" | "currency";
  objectId: string;
  fromState?: string | null;
  reason: string;
};

export type AuditFilter = {
  adminId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  /** entries at or after */
  from?: Date;
  /** entries before */
  to?: Date;
  /** keyset cursor: entries with a smaller id (older) */
  before?: number;
  limit: number;
};

/** Did the shop turn the action down (nothing changed), rather than fail to finish it? */
const isRefusal = (err: unknown) => err instanceof Conflict || err instanceof NotFound || err instanceof InputError;

export class AuditLog {
  constructor(private db: Db) {}

  /**
   * Run `act` as `admin`'s action: the entry is written first, then settled with the state
   * `stateAfter` reads from the result, or as refused with the refusal's message.
   */
  async record<T>(admin: Admin, what: AuditAction, act: () => Promise<T>, stateAfter: (result: T) => string | null = () => null): Promise<T> {
    const [entry] = await this.db.insert(auditLog).values({
      adminId: admin.sub, adminName: admin.name ?? admin.sub, action: what.action, objectType: what.objectType,
      objectId: what.objectId, fromState: what.fromState ?? null, reason: what.reason,
    }).returning({ id: auditLog.id });
    const id = entry!.id;
    let result: T;
    try {
      result = await act();
    } catch (err) {
      if (isRefusal(err)) await this.settle(id, "refused", null, (err as Error).message);
      throw err;
    }
    await this.settle(id, "done", stateAfter(result), "");
    return result;
  }

  private async settle(id: number, outcome: AuditOutcome, toState: string | null, detail: string) {
    await this.db.update(auditLog).set({ outcome, toState, detail: detail.slice(0, 1000) }).where(eq(auditLog.id, id));
  }

  /** Newest first, one page; `next` is the cursor for the page after, null on the last. */
  async list(f: AuditFilter): Promise<{ entries: AuditEntry[]; next: number | null }> {
    const where: SQL[] = [];
    if (f.adminId) where.push(eq(auditLog.adminId, f.adminId));
    if (f.action) where.push(eq(auditLog.action, f.action));
    if (f.objectType) where.push(eq(auditLog.objectType, f.objectType));
    if (f.objectId) where.push(eq(auditLog.objectId, f.objectId));
    if (f.from) where.push(gte(auditLog.at, f.from));
    if (f.to) where.push(lt(auditLog.at, f.to));
    if (f.before !== undefined) where.push(lt(auditLog.id, f.before));
    const rows = await this.db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(f.limit + 1);
    const entries = rows.slice(0, f.limit);
    return { entries, next: rows.length > f.limit ? entries.at(-1)!.id : null };
  }

  /** The admins and actions that appear in the log, for the filter's choices. */
  async choices(): Promise<{ admins: { id: string; name: string }[]; actions: string[] }> {
    const admins = await this.db.selectDistinct({ id: auditLog.adminId, name: auditLog.adminName }).from(auditLog).orderBy(auditLog.adminName);
    const actions = await this.db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
    return { admins, actions: actions.map((a) => a.action) };
  }
}
