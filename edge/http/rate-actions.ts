/** Setting an exchange rate, shared by the JSON API and the console, written to the audit log with the rate before and after. */
import { InputError } from "../../actors/contracts/errors.ts";
import { BASE_CURRENCY, isCurrencyCode, CURRENCY_CODES, type CurrencyCode } from "../../actors/money/currency.ts";
import type { AdminRate, Currencies } from "../../actors/money/rates.ts";
import type { Admin, AuditLog } from "../../actors/ops/audit.ts";

export type RateActionDeps = { currencies: Currencies; audit: AuditLog };

/** A path's currency code (any case), or a 400 naming the parameter. */
export function codeParam(value: string | undefined): CurrencyCode {
  const code = (value ?? "").trim().toUpperCase();
  if (!isCurrencyCode(code)) throw new InputError("code", `code: ${code.slice(0, 16)} is not one of ${CURRENCY_CODES.join(", ")}`);
  return code;
}

/** Set `code`'s rate (validated text) as `admin`; the base currency's rate is always 1. */
export async function auditedSetRate(d: RateActionDeps, admin: Admin, code: CurrencyCode, rate: string, reason: string): Promise<AdminRate> {
  const before = await d.currencies.adminRate(code);
  return d.audit.record(admin, { action: "rate.set", objectType: "currency", objectId: code, fromState: before.rate, reason }, async () => {
    if (code === BASE_CURRENCY) throw new InputError("code", `code: ${BASE_CURRENCY} is the base currency; its rate is always 1`);
    await d.currencies.set({ [code]: rate }, `admin:${admin.name ?? admin.sub}`);
    return d.currencies.adminRate(code);
  }, (r) => r.rate);
}
