/**
 * The admin actions on accounts that the JSON API and the console share, each written to the
 * audit log: disable (ends every session of the account), enable, and a role change. The
 * shop keeps an enabled admin: what would leave none is refused (AccountConflict LAST_ADMIN).
 */
import { z } from "zod";
import type { Accounts, Role } from "../../actors/accounts/accounts.ts";
import type { Customers } from "../../actors/accounts/customers.ts";
import type { Admin, AuditLog } from "../../actors/ops/audit.ts";
import { InputError, NotFound } from "../../actors/contracts/errors.ts";

export type CustomerActionDeps = { accounts: Accounts; customers: Customers; audit: AuditLog };
export type CustomerAction = "disable" | "enable" | "promote" | "demote";

/** An account id: what the shop issues (a UUID), so a bad one is refused before a query. */
export const AccountId = z.string().uuid();

export function accountIdOf(raw: string | undefined): string {
  const id = AccountId.safeParse(raw);
  if (!id.success) throw new InputError("id", "id: must be an account id (a UUID)");
  return id.data;
}

const stateText = (s: { role: Role; disabled: boolean }) => `${s.role}${s.disabled ? ", disabled" : ""}`;

/** Runs `action` on account `id` as `admin`'s audited action; returns the account's state after it. */
export async function auditedCustomerAction(
  deps: CustomerActionDeps, admin: Admin, id: string, action: CustomerAction, reason: string,
): Promise<{ role: Role; disabled: boolean; changed: boolean }> {
  const before = await deps.customers.stateOf(id);
  if (!before) throw new NotFound(`no account ${id}`);
  const run = async () => {
    const changed = action === "disable" ? await deps.customers.disableGuarded(id, () => deps.accounts.disable(id))
      : action === "enable" ? await deps.customers.enable(id)
      : await deps.customers.setRole(id, action === "promote" ? "admin" : "customer");
    return { ...(await deps.customers.stateOf(id))!, changed };
  };
  return deps.audit.record(admin, { action: `account.${action}`, objectType: "account", objectId: id, fromState: stateText(before), reason },
    run, stateText);
}
