/**
 * Budgets for what sends account mail, in the Cache port (shared by every edge in
 * distributed mode): password-reset requests per address asked about and per client IP,
 * and verification links sent again per account. A spent budget refuses until the window
 * opened by its first use ends.
 */
import type { Cache } from "../runtime/cache.ts";
import { UNKNOWN_IP } from "./login-limiter.ts";

export type Budget = { max: number; windowSeconds: number };
export const LINK_BUDGETS = {
  /** reset mails per email address: a mailbox is not flooded, whoever asks */
  resetPerEmail: { max: 3, windowSeconds: 15 * 60 },
  /** reset requests per client address: a scanner of addresses is stopped */
  resetPerIp: { max: 20, windowSeconds: 15 * 60 },
  /** verification links sent again per account */
  resendPerAccount: { max: 3, windowSeconds: 15 * 60 },
} satisfies Record<string, Budget>;

export type Spend = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LinkLimiter {
  constructor(private cache: Cache, private budgets: typeof LINK_BUDGETS = LINK_BUDGETS) {}

  /** Spends one reset request from `ip` (not counted when unknown, as for sign-in). */
  resetFromIp(ip: string): Promise<Spend> {
    return ip === UNKNOWN_IP ? Promise.resolve({ allowed: true }) : this.spend(`link:reset:ip:${ip}`, this.budgets.resetPerIp);
  }

  /** Spends one reset mail to `email`. */
  resetToEmail(email: string): Promise<Spend> {
    return this.spend(`link:reset:email:${email.trim().toLowerCase()}`, this.budgets.resetPerEmail);
  }

  /** Spends one verification link sent again to the account. */
  resend(userId: string): Promise<Spend> {
    return this.spend(`link:resend:${userId}`, this.budgets.resendPerAccount);
  }

  private async spend(key: string, budget: Budget): Promise<Spend> {
    const used = await this.cache.incr(key, budget.windowSeconds);
    if (used <= budget.max) return { allowed: true };
    const left = await this.cache.ttl(key);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.min(left ?? 1, budget.windowSeconds))) };
  }
}
