/**
 * The rate source port: where exchange rates come from without an admin. Two adapters read
 * the same JSON shape,
 *
 *   {"base": "USD", "rates": {"EUR": "0.92", "JPY": 151.2, ...}}
 *
 * (units per US dollar, as text or numbers; codes the shop does not sell in are ignored):
 * an HTTP source (RATES_URL) and a file (RATES_FILE, for offline use). The feed reads it at
 * start and then every `ratesEveryMs` (an hour: the rates are cached that long). A failed
 * read or a bad document changes no rate: the last good rates stay, the failure is logged
 * and noted for /admin/rates.
 */
import { BASE_CURRENCY, isCurrencyCode } from "./currency.ts";
import { RateValue, type Currencies } from "./rates.ts";
import { log } from "../runtime/log.ts";

export type RateSource = { name: "http" | "file"; read(): Promise<unknown> };

const HTTP_TIMEOUT_MS = 10_000;

export function httpRateSource(url: string): RateSource {
  return {
    name: "http",
    async read() {
      const res = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), headers: { accept: "application/json" } });
      if (!res.ok) throw new Error(`${new URL(url).origin} answered ${res.status}`);
      return res.json();
    },
  };
}

export function fileRateSource(path: string): RateSource {
  return { name: "file", read: () => Bun.file(path).json() };
}

/** The rates of a source document, code -> decimal text; throws naming what is wrong with it. */
export function parseRates(doc: unknown): Record<string, string> {
  if (typeof doc !== "object" || doc === null) throw new Error("not a JSON object");
  const { base, rates } = doc as { base?: unknown; rates?: unknown };
  if (base !== BASE_CURRENCY) throw new Error(`base must be "${BASE_CURRENCY}", got ${JSON.stringify(base)?.slice(0, 20)}`);
  if (typeof rates !== "object" || rates === null || Array.isArray(rates)) throw new Error("rates must be an object of code: rate");
  const out: Record<string, string> = {};
  for (const [code, value] of Object.entries(rates)) {
    if (!isCurrencyCode(code) || code === BASE_CURRENCY) continue;
    const parsed = RateValue.safeParse(value);
    if (!parsed.success) throw new Error(`rates.${code}: ${parsed.error.issues[0]?.message}`);
    out[code] = parsed.data;
  }
  if (Object.keys(out).length === 0) throw new Error("no rate of a currency the shop sells in");
  return out;
}

/** Read `source` once and set its rates; false (rates untouched, failure noted) when it failed. */
export async function pullRates(source: RateSource, currencies: Currencies): Promise<boolean> {
  let rates: Record<string, string>;
  try {
    rates = parseRates(await source.read());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.warn("rate source failed; the last good rates stay", { source: source.name, error: message });
    await currencies.noteFetch(source.name, message);
    return false;
  }
  const changed = await currencies.set(rates, source.name);
  await currencies.noteFetch(source.name);
  if (changed.length) log.info("rates updated", { source: source.name, changed: changed.join(",") });
  return true;
}

/** The configured source, or null when neither RATES_URL nor RATES_FILE is set. */
export function rateSourceOf(config: { ratesUrl?: string; ratesFile?: string }): RateSource | null {
  return config.ratesUrl ? httpRateSource(config.ratesUrl) : config.ratesFile ? fileRateSource(config.ratesFile) : null;
}

/** Pull now and then every `everyMs`; returns the stop. */
export function startRateFeed(source: RateSource, currencies: Currencies, everyMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const pull = () => {
    running = pullRates(source, currencies).catch((err) => log.error("rate feed", { error: String(err) }));
  };
  pull();
  const timer = setInterval(pull, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
