/**
 * The admins' view of the accounts: search by name or email, one customer with their orders,
 * lifetime value and sign-in history; re-enabling a disabled account and changing its role.
 * Disabling is `Accounts.disable` (it ends the sessions). The shop always keeps an enabled
 * admin: a demotion or a disabling that would leave none is refused.
 *
 * Sign-in history: every attempt for a known account (accounts.sign_ins), purged after
 * `Retention.signInsMs` (`signInsUpkeep`).
 */
import { and, desc, eq, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import type { Db, Q } from "../../db/client.ts";
import { orderViews, signIns, users } from "../../db/schema.ts";
import { AccountConflict } from "../contracts/errors.ts";
import { agoSql, purgeTask } from "../runtime/retention.ts";
import type { Role } from "./accounts.ts";
import { normalEmail } from "./account-rules.ts";

/** Serializes role changes, so two admins cannot each demote the other (the migration lock uses the one-key form). */
const ADMINS_LOCK = 7_262_004;
/** What a sign-in history row keeps of a client: enough to recognise it, never a page of text. */
const CLIENT_TEXT_MAX = 300;

export type CustomerRow = {
  id: string; email: string; name: string; role: Role; createdAt: Date; disabledAt: Date | null; lastLoginAt: Date | null;
};
export type SignIn = { at: Date; clientAddress: string; userAgent: string; succeeded: boolean };
export type CustomerOrder = { id: string; status: string; total: number; currency: string; baseTotal: number; createdAt: Date };
export type CustomerDetail = CustomerRow & { orders: CustomerOrder[]; orderCount: number; lifetimeValue: number; signIns: SignIn[] };
export type CustomerPage = { customers: CustomerRow[]; next: string | null };

const columns = {
  id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt,
  disabledAt: users.disabledAt, lastLoginAt: users.lastLoginAt,
};

/** Orders that did not end cancelled or refunded count toward a customer's lifetime value. */
const COUNTED = sql`${orderViews.status} NOT IN ('CANCELLED', 'REFUNDED', 'FAILED')`;

export class Customers {
  constructor(private db: Db) {}

  /**
   * Accounts whose name or email contains `q` (any case), ordered by email; `after` is the
   * last email of the page before.
   */
  async search(q: string, opts: { after?: string; limit: number }): Promise<CustomerPage> {
    const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const rows = await this.db.select(columns).from(users)
      .where(and(
        q ? or(sql`${users.name} ILIKE ${like}`, sql`${users.email} ILIKE ${like}`) : undefined,
        opts.after !== undefined ? sql`${users.email} > ${opts.after}` : undefined,
      ))
      .orderBy(users.email).limit(opts.limit + 1);
    const page = rows.slice(0, opts.limit);
    return { customers: page, next: rows.length > opts.limit ? page.at(-1)!.email : null };
  }

  /** One account with its latest orders (at most `orderLimit`), lifetime value in base cents and latest sign-ins; null when unknown. */
  async detail(id: string, orderLimit = 50): Promise<CustomerDetail | null> {
    const [row] = await this.db.select(columns).from(users).where(eq(users.id, id));
    if (!row) return null;
    const [orders, [totals], history] = await Promise.all([
      this.db.select({
        id: orderViews.id, status: orderViews.status, total: orderViews.total, currency: orderViews.currency,
        baseTotal: orderViews.baseTotal, createdAt: orderViews.createdAt,
      }).from(orderViews).where(eq(orderViews.customerId, id)).orderBy(desc(orderViews.createdAt)).limit(orderLimit),
      this.db.select({
        count: sql<number>`count(*)::int`,
        value: sql<number>`coalesce(sum(${orderViews.baseTotal}) FILTER (WHERE ${COUNTED}), 0)::bigint`,
      }).from(orderViews).where(eq(orderViews.customerId, id)),
      this.signIns(id),
    ]);
    return { ...row, orders, orderCount: totals?.count ?? 0, lifetimeValue: Number(totals?.value ?? 0), signIns: history };
  }

  /** The latest sign-in attempts of `userId`, newest first. */
  signIns(userId: string, limit = 20): Promise<SignIn[]> {
    return this.db.select({ at: signIns.at, clientAddress: signIns.clientAddress, userAgent: signIns.userAgent, succeeded: signIns.succeeded })
      .from(signIns).where(eq(signIns.userId, userId)).orderBy(desc(signIns.at), desc(signIns.id)).limit(limit);
  }

  /**
   * Writes a sign-in attempt for `email` when it belongs to an account (an unknown email
   * leaves no trace); a success also sets the account's last sign-in.
   */
  async recordSignIn(email: string, client: { address: string; userAgent: string }, succeeded: boolean): Promise<void> {
    const [user] = await this.db.select({ id: users.id }).from(users)
      .where(sql`lower(${users.email}) = ${normalEmail(email).toLowerCase()}`);
    if (!user) return;
    const at = new Date();
    await this.db.insert(signIns).values({
      userId: user.id, at, succeeded,
      clientAddress: clientText(client.address), userAgent: clientText(client.userAgent),
    });
    if (succeeded) await this.db.update(users).set({ lastLoginAt: at }).where(eq(users.id, user.id));
  }

  /** The account's role and whether it is disabled, for the audit log's "from" state; null when unknown. */
  async stateOf(id: string): Promise<{ role: Role; disabled: boolean } | null> {
    const [row] = await this.db.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, id));
    return row ? { role: row.role, disabled: row.disabledAt !== null } : null;
  }

  /** Lets a disabled account sign in again; false when there is no such account or it was enabled. */
  async enable(id: string): Promise<boolean> {
    const rows = await this.db.update(users).set({ disabledAt: null })
      .where(and(eq(users.id, id), isNotNull(users.disabledAt))).returning({ id: users.id });
    return rows.length > 0;
  }

  /**
   * Makes the account an admin or a customer; false when it already was. Refused
   * (AccountConflict LAST_ADMIN) when it would leave the shop without an enabled admin.
   */
  async setRole(id: string, role: Role): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await lockAdmins(tx);
      if (role === "customer") await this.keepsAnAdmin(tx, id);
      const rows = await tx.update(users).set({ role }).where(and(eq(users.id, id), ne(users.role, role))).returning({ id: users.id });
      return rows.length > 0;
    });
  }

  /**
   * Runs `disable` (Accounts.disable) unless disabling `id` would leave no enabled admin.
   * The check and the disabling are two steps: two admins disabling each other at the same
   * moment could both pass it (a demotion takes the admins' lock and cannot).
   */
  async disableGuarded(id: string, disable: () => Promise<boolean>): Promise<boolean> {
    await this.keepsAnAdmin(this.db, id);
    return disable();
  }

  /** Throws LAST_ADMIN when `id` is the only enabled admin. */
  private async keepsAnAdmin(q: Q, id: string): Promise<void> {
    const [target] = await q.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, id));
    if (!target || target.role !== "admin" || target.disabledAt) return;
    const others = await q.select({ id: users.id }).from(users)
      .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, id))).limit(1);
    if (others.length === 0) throw new AccountConflict("LAST_ADMIN", "this is the shop's only enabled admin: make another admin first");
  }
}

async function lockAdmins(q: Q): Promise<void> {
  await q.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(ADMINS_LOCK))}, 0)`);
}

/** Control characters out, and a bounded length. */
const clientText = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, CLIENT_TEXT_MAX);

/** Sign-in attempts older than `keepMs` go. */
export const signInsUpkeep = (keepMs: number) => purgeTask("accounts.sign_ins", `at < ${agoSql(1)}`, keepMs);
