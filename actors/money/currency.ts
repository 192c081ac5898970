/**
 * Currencies: base prices are USD cents; rates (units per US dollar) live in the database
 * and are cached for an hour. Conversion is exact decimal arithmetic, rounded half-up to
 * the currency's own minor units (JPY has none), once per unit price.
 */
import { asc } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { currencies } from "../../db/schema.ts";
import { InputError } from "../contracts/errors.ts";
import type { Cache } from "../runtime/cache.ts";

export const CURRENCY_CODES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CNY", "INR"] as const;
export type CurrencyCode = (typeof CURRENCY_CODES)[number];
export const BASE_CURRENCY: CurrencyCode = "USD";

/** A rate as stored: `rate` is exact decimal text, e.g. "0.92000000". */
export type Rate = { code: string; minorUnits: number; rate: string };

export const isCurrencyCode = (x: unknown): x is CurrencyCode => CURRENCY_CODES.some((c) => c === x);

const RATES_KEY = "fx:rates";
const RATE_TTL_SECONDS = 3600;
const SCALE = 8; // numeric(18, 8)

export class Currencies {
  constructor(private db: Db, private cache: Cache) {}

  /** Every currency the shop sells in, cached for an hour. */
  async all(): Promise<Rate[]> {
    const hit = await this.cache.get<Rate[]>(RATES_KEY);
    if (hit) return hit;
    const rows = await this.db.select({ code: currencies.code, minorUnits: currencies.minorUnits, rate: currencies.rate })
      .from(currencies).orderBy(asc(currencies.code));
    await this.cache.set(RATES_KEY, rows, RATE_TTL_SECONDS);
    return rows;
  }

  /** The rate for `code`; 400 naming the currency when the shop does not sell in it. */
  async rate(code: string): Promise<Rate> {
    const rate = (await this.all()).find((r) => r.code === code);
    if (!rate) throw new InputError("currency", `currency: ${code} is not one of ${CURRENCY_CODES.join(", ")}`);
    return rate;
  }
}

/** USD cents -> minor units of `rate.code`, rounded half-up. */
export function convert(usdCents: number, rate: Rate): number {
  if (!Number.isInteger(usdCents) || usdCents < 0) throw new RangeError(`expected whole cents, got ${usdCents}`);
  if (rate.code === BASE_CURRENCY) return usdCents;
  const num = BigInt(usdCents) * scaled(rate.rate) * 10n ** BigInt(rate.minorUnits);
  const den = 100n * 10n ** BigInt(SCALE);
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
