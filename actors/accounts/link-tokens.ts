/**
 * One-time link tokens for account mail: 32 random bytes in base64url go out in the link
 * (through the log to the notifier); the table keeps only their SHA-256 hash. A token is
 * spent by the one UPDATE that marks it used, so it works once even when two requests race,
 * and not after `expires_at`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Q } from "../../db/client.ts";
import { linkTokens } from "../../db/schema.ts";
import { agoSql, purgeTask } from "../runtime/retention.ts";

export type LinkPurpose = "verify" | "reset";
/** How long a link works: a day to verify an address, half an hour to reset a password. */
export const LINK_TTL_MS: Record<LinkPurpose, number> = { verify: 24 * 60 * 60_000, reset: 30 * 60_000 };
/** The longest token a link can carry (43 characters are issued); longer is not looked up. */
export const LINK_TOKEN_MAX = 128;

export type IssuedLink = { token: string; expiresAt: Date };
export type SpentLink = { userId: string; email: string };

export const linkHash = (token: string) => createHash("sha256").update(token).digest("base64url");

/** A new token for `userId` and `purpose` (`email`: the address it verifies or was sent to). */
export async function issueLink(q: Q, userId: string, purpose: LinkPurpose, email: string, now: Date): Promise<IssuedLink> {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const expiresAt = new Date(now.getTime() + LINK_TTL_MS[purpose]);
  await q.insert(linkTokens).values({ tokenHash: linkHash(token), userId, purpose, email, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** Spends `token` for `purpose`: its account and address, or null when unknown, used, expired or for another purpose. */
export async function spendLink(q: Q, token: string, purpose: LinkPurpose, now: Date): Promise<SpentLink | null> {
  if (token.length === 0 || token.length > LINK_TOKEN_MAX) return null;
  const hash = linkHash(token);
  const [row] = await q.update(linkTokens).set({ usedAt: now })
    .where(and(eq(linkTokens.tokenHash, hash), eq(linkTokens.purpose, purpose), isNull(linkTokens.usedAt), gt(linkTokens.expiresAt, now)))
    .returning({ tokenHash: linkTokens.tokenHash, userId: linkTokens.userId, email: linkTokens.email });
  // the index found it by hash; the hashes are compared again in constant time all the same
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return null;
  return { userId: row.userId, email: row.email };
}

/** Whether `token` would be accepted for `purpose` now (the reset form checks before asking for a password). */
export async function linkIsLive(q: Q, token: string, purpose: LinkPurpose, now: Date): Promise<boolean> {
  if (token.length === 0 || token.length > LINK_TOKEN_MAX) return false;
  const rows = await q.select({ h: linkTokens.tokenHash }).from(linkTokens)
    .where(and(eq(linkTokens.tokenHash, linkHash(token)), eq(linkTokens.purpose, purpose), isNull(linkTokens.usedAt), gt(linkTokens.expiresAt, now)));
  return rows.length > 0;
}

/** Ends the account's unused links for `purpose` (a new password ends the other reset links). */
export async function endLinks(q: Q, userId: string, purpose: LinkPurpose, now: Date): Promise<void> {
  await q.update(linkTokens).set({ usedAt: now })
    .where(and(eq(linkTokens.userId, userId), eq(linkTokens.purpose, purpose), isNull(linkTokens.usedAt)));
}

/** Links spent or expired longer ago than `keepMs` go (README: "Tables that stay bounded"). */
export const endedLinksUpkeep = (keepMs: number) =>
  purgeTask("accounts.link_tokens", `least(expires_at, coalesce(used_at, 'infinity')) < ${agoSql(1)}`, keepMs);
