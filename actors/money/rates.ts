/**
 * The shop's exchange rates (units per US dollar), read from the database and cached for
 * an hour. Kept apart from currency.ts so that pricing stays free of database drivers.
 */
import { asc } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { currencies } from "../../db/schema.ts";
import { InputError } from "../contracts/errors.ts";
import type { Cache } from "../runtime/cache.ts";
import { CURRENCY_CODES, type Rate } from "./currency.ts";

const RATES_KEY = "fx:rates";
const RATE_TTL_SECONDS = 3600;

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
}
