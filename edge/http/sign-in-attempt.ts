/**
 * A sign-in attempt as the API and the login page both make it: through the login limiter,
 * written to the account's sign-in history (when the email is an account's; a failure after
 * the answer, so its time is the same for any email), and telling a
 * disabled account apart so its owner learns why (`disabled`) - only when the password was
 * right, so the answer never tells a stranger that an email has an account.
 */
import type { Context } from "hono";
import type { Account, Accounts } from "../../actors/accounts/accounts.ts";
import type { Customers } from "../../actors/accounts/customers.ts";
import type { Attempt, LoginLimiter } from "../../actors/accounts/login-limiter.ts";
import { log } from "../../actors/runtime/log.ts";
import { clientIp } from "./client-ip.ts";

export type SignInAttemptDeps = { accounts: Accounts; limiter: LoginLimiter; trustProxy?: boolean; customers?: Customers };
export type SignInAttempt = Attempt<Account> | { kind: "disabled" };

export async function signInAttempt(c: Context, deps: SignInAttemptDeps, email: string, password: string): Promise<SignInAttempt> {
  const ip = clientIp(c, deps.trustProxy);
  const attempt = await deps.limiter.attempt(email, ip, () => deps.accounts.login(email, password));
  if (attempt.kind === "limited" || !deps.customers) return attempt;
  const { customers } = deps;
  const record = () => customers.recordSignIn(email, { address: ip, userAgent: c.req.header("user-agent") ?? "" }, attempt.kind === "ok");
  if (attempt.kind === "ok") await record();
  // a failure is written after the answer: only an account's email has a history to write
  // to, and waiting for that write would tell, by the time taken, that the email has one
  else setTimeout(() => void record().catch((error: unknown) => log.warn("a failed sign-in could not be recorded", { error })), 0);
  if (attempt.kind === "failed" && await deps.accounts.isDisabledWith(email, password)) return { kind: "disabled" };
  return attempt;
}

/** What a disabled account is told when it tries to sign in. */
export const DISABLED_MESSAGE = "This account has been disabled. Contact the shop if you think this is a mistake.";
