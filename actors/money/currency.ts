/**
 * Currencies: base prices are USD cents; rates are units per US dollar (read from the
 * database by rates.ts). Conversion is exact decimal arithmetic, rounded half-up to the
 * currency's own minor units (JPY has none), once per unit price. No I/O here, so views
 * may price things with it.
 */
export const CURRENCY_CODES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CNY", "INR"] as const;
export type CurrencyCode = (typeof CURRENCY_CODES)[number];
export const BASE_CURRENCY: CurrencyCode = "USD";

/** Digits after the point of each currency (ISO 4217), as catalog.currencies holds them. */
export const MINOR_UNITS: Record<CurrencyCode, number> = { USD: 2, EUR: 2, GBP: 2, CAD: 2, AUD: 2, JPY: 0, CNY: 2, INR: 2 };

/** A rate as stored: `rate` is exact decimal text, e.g. "0.92000000". */
export type Rate = { code: string; minorUnits: number; rate: string };

export const isCurrencyCode = (x: unknown): x is CurrencyCode => CURRENCY_CODES.some((c) => c === x);

/** The minor units of `code`; two for a code the shop no longer lists (the common case). */
export const minorUnitsOf = (code: string) => (isCurrencyCode(code) ? MINOR_UNITS[code] : 2);

const SCALE = 8; // numeric(18, 8)

/** USD cents -> minor units of `rate.code`, rounded half-up. */
export function convert(usdCents: number, rate: Rate): number {
  if (!Number.isInteger(usdCents) || usdCents < 0) throw new RangeError(`expected whole cents, got ${usdCents}`);
  if (rate.code === BASE_CURRENCY) return usdCents;
  const num = BigInt(usdCents) * scaled(rate.rate) * 10n ** BigInt(rate.minorUnits);
  const den = 100n * 10n ** BigInt(SCALE);
  return Number((2n * num + den) / (2n * den));
}

/** Minor units of `rate.code` -> USD cents at that rate, rounded half-up: an order's total in the base currency. */
export function toBaseCents(minor: number, rate: Rate): number {
  if (!Number.isInteger(minor) || minor < 0) throw new RangeError(`expected whole minor units, got ${minor}`);
  if (rate.code === BASE_CURRENCY) return minor;
  const num = BigInt(minor) * 100n * 10n ** BigInt(SCALE);
  const den = scaled(rate.rate) * 10n ** BigInt(rate.minorUnits);
  return Number((2n * num + den) / (2n * den));
}

/** "0.92" -> 92000000n (the rate times 10^8), without going through a float. */
function scaled(text: string): bigint {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal rate: "${text}"`);
  const frac = (m[2] ?? "").padEnd(SCALE, "0");
  if (frac.length > SCALE) throw new Error(`rate "${text}" has more than ${SCALE} decimals`);
  return BigInt(m[1]!) * 10n ** BigInt(SCALE) + BigInt(frac);
}
