/**
 * The shop's exchange rates (units per US dollar), read from the database and cached for
 * an hour. Kept apart from currency.ts so that pricing stays free of database drivers.
 * A rate is set by an admin or by the rate source (rate-source.ts); every change is kept
 * in catalog.rate_history with where it came from.
 */
import { asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { currencies, rateHistory, rateSource } from "../../db/schema.ts";
import { InputError } from "../contracts/errors.ts";
import type { Cache } from "../runtime/cache.ts";
import { BASE_CURRENCY, CURRENCY_CODES, type Rate } from "./currency.ts";

const RATES_KEY = "fx:rates";
const RATE_TTL_SECONDS = 3600;
/** No currency the shop sells in is worth less than a millionth of a dollar: a larger figure is a typo. */
export const MAX_RATE = 1_000_000;
const HISTORY_SHOWN = 5;

/** A rate as text or number: positive, at most 8 decimals, at most MAX_RATE units per dollar. */
export const RateValue = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v).trim();
  if (!/^\d{1,7}(\.\d{1,8})?$/.test(text)) {
    ctx.addIssue({ code: "custom", message: "a decimal number of units per US dollar, e.g. 0.92 (at most 8 decimals)" });
    return z.NEVER;
  }
  const n = Number(text);
  if (n <= 0) ctx.addIssue({ code: "custom", message: "must be more than zero" });
  else if (n > MAX_RATE) ctx.addIssue({ code: "custom", message: `at most ${MAX_RATE.toLocaleString("en")} units per US dollar` });
  return text;
});

export type RateChange = { rate: string; source: string; at: Date };
export type AdminRate = Rate & { source: string; updatedAt: Date; history: RateChange[] };
export type SourceStatus = { name: string; lastGoodAt: Date | null; lastFailureAt: Date | null; lastError: string };

/** The rates the shop sells in, from the database through the cache. */
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

  /** Every rate with its source, time and latest changes, for the console (uncached). */
  async admin(): Promise<AdminRate[]> {
    const rows = await this.db.select({ code: currencies.code, minorUnits: currencies.minorUnits, rate: currencies.rate, source: currencies.source, updatedAt: currencies.updatedAt })
      .from(currencies).orderBy(asc(currencies.code));
    return Promise.all(rows.map(async (r) => ({ ...r, history: await this.history(r.code) })));
  }

  /** One currency for the console; 404 when the shop does not sell in it. */
  async adminRate(code: string): Promise<AdminRate> {
    const rate = (await this.admin()).find((r) => r.code === code);
    if (!rate) throw new InputError("code", `code: ${code} is not one of ${CURRENCY_CODES.join(", ")}`);
    return rate;
  }

  private history(code: string): Promise<RateChange[]> {
    return this.db.select({ rate: rateHistory.rate, source: rateHistory.source, at: rateHistory.at }).from(rateHistory)
      .where(eq(rateHistory.code, code)).orderBy(desc(rateHistory.id)).limit(HISTORY_SHOWN);
  }

  /**
   * Set the rates in `rates` (code -> validated decimal text) from `source`; the base currency
   * stays 1. Unchanged rates are left alone (no history row); prices follow at once.
   */
  async set(rates: Record<string, string>, source: string): Promise<string[]> {
    const changed: string[] = [];
    await this.db.transaction(async (tx) => {
      for (const [code, rate] of Object.entries(rates)) {
        if (code === BASE_CURRENCY) continue;
        const rows = await tx.update(currencies).set({ rate, source, updatedAt: new Date() })
          .where(sql`${currencies.code} = ${code} AND ${currencies.rate} <> ${rate}::numeric`).returning({ code: currencies.code });
        if (rows.length === 0) continue;
        await tx.insert(rateHistory).values({ code, rate, source });
        changed.push(code);
      }
    });
    await this.cache.del(RATES_KEY);
    return changed;
  }

  /** The rate source's last good fetch and last failure; null before its first attempt. */
  async sourceStatus(): Promise<SourceStatus | null> {
    const [row] = await this.db.select().from(rateSource).orderBy(desc(rateSource.lastGoodAt)).limit(1);
    return row ?? null;
  }

  /** Note a fetch of the source `name`: good (error undefined) or failed with `error`. */
  async noteFetch(name: string, error?: string): Promise<void> {
    const now = new Date();
    const set = error === undefined ? { lastGoodAt: now } : { lastFailureAt: now, lastError: error.slice(0, 500) };
    await this.db.insert(rateSource).values({ name, ...set }).onConflictDoUpdate({ target: rateSource.name, set });
  }
}
