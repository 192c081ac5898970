/** Display formatting shared by the views: money in minor units and event times. */

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) moneyFormats.set(key, (format = new Intl.NumberFormat(locale, { style: "currency", currency })));
  return format;
}

/** Formats integer minor units of `currency` (1999 USD -> "$19.99", 1500 JPY -> "¥1,500"). */
export function formatMoney(minor: number, currency: string, locale = "en-US"): string {
  let format: Intl.NumberFormat;
  try {
    format = moneyFormat(currency.toUpperCase(), locale);
  } catch {
    // not a well-formed ISO 4217 code: show the raw amount rather than fail the page
    return `${minor} ${currency}`;
  }
  // the currency's own exponent: 2 for USD, 0 for JPY, 3 for KWD
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

const timeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Formats an ISO timestamp for people; the server does not know the reader's zone, so UTC is named. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${timeFormat.format(date)} UTC`;
}

const exactFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** An ISO timestamp to the second, the zone named (UTC); views/local-time.js rewrites it in the reader's zone. */
export function formatExactTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${exactFormat.format(date)} UTC`;
}
