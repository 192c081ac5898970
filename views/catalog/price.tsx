/** Prices in the visitor's currency: catalog prices are USD cents, converted for display only. */
import { convert, type Rate } from "../../actors/money/currency.ts";
import { formatMoney } from "../format.ts";

/** "$999.00", or "¥151,049" for a JPY visitor. */
export const priceText = (usdCents: number, rate: Rate) => formatMoney(convert(usdCents, rate), rate.code);

/** A price as an element, so the stylesheet can set it apart. */
export function Price({ usd, rate }: { usd: number; rate: Rate }) {
  return <span class="price">{priceText(usd, rate)}</span>;
}
