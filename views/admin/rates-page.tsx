/**
 * The exchange rates in the console: each currency's rate (units per US dollar), where it
 * came from and when, its latest changes, and a form to set it; above them the rate
 * source's state (last good fetch, last failure).
 */
import type { AdminRate, SourceStatus } from "../../actors/money/rates.ts";
import { formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { FieldError } from "./admin-field.tsx";
import { AdminLayout } from "./admin-layout.tsx";

/** A refused form: which currency, what was typed, and why. */
export type RateFormError = { code: string; rate: string; reason: string; field: "rate" | "reason"; message: string };

type Props = {
  shell: Shell;
  rates: AdminRate[];
  /** what feeds the rates automatically, e.g. "HTTP, https://…, hourly"; null when nothing does */
  feed: string | null;
  status: SourceStatus | null;
  notice?: string;
  error?: RateFormError;
};

const When = ({ at }: { at: Date }) => <time dateTime={at.toISOString()}>{formatTime(at.toISOString())}</time>;
const sourceName = (s: string) => (s === "seed" ? "initial data" : s.startsWith("admin:") ? `set by ${s.slice(6)}` : `${s} source`);

export function RatesPage({ shell, rates, feed, status, notice, error }: Props) {
  return (
    <AdminLayout title={error ? "Error: Rates" : "Rates"} shell={shell} section="/admin/rates">
      <section class="card" aria-labelledby="rates-title">
        <h1 id="rates-title">Exchange rates</h1>
        <p class="muted">Units of each currency per US dollar. Catalog prices are in US dollars; the storefront and the API convert them at these rates. An order keeps the rate it was placed with.</p>
        {notice && <p class="notice" role="status">{notice}</p>}
        {error && <p class="refusal" role="alert">{error.code}: {error.message}</p>}
        <h2>Automatic updates</h2>
        {feed
          ? <p>From <strong>{feed}</strong>.{" "}
            {status?.lastGoodAt ? <>Last good fetch <When at={status.lastGoodAt} />.</> : "No good fetch yet."}</p>
          : <p class="muted">No rate source is configured (RATES_URL or RATES_FILE): rates change only when set here.</p>}
        {status?.lastFailureAt && (!status.lastGoodAt || status.lastFailureAt > status.lastGoodAt) && (
          <p class="refusal" role="alert">Last fetch failed <When at={status.lastFailureAt} />: {status.lastError}. The last good rates stay in use.</p>
        )}
        {status?.lastFailureAt && status.lastGoodAt && status.lastFailureAt <= status.lastGoodAt && (
          <p class="muted">Last failure <When at={status.lastFailureAt} />: {status.lastError}</p>
        )}
      </section>
      <section class="card" aria-labelledby="rates-list-title">
        <h2 id="rates-list-title">Currencies</h2>
        <div class="table-scroll">
          <table class="admin-table rate-table">
            <thead>
              <tr><th scope="col">Currency</th><th scope="col">Rate</th><th scope="col">Source</th><th scope="col">Recent changes</th><th scope="col">Set rate</th></tr>
            </thead>
            <tbody>
              {rates.map((r) => {
                const mine = error?.code === r.code ? error : undefined;
                const id = `rate-${r.code}`;
                return (
                  <tr id={`currency-${r.code}`}>
                    <th scope="row">{r.code}<span class="muted detail">{r.minorUnits} decimals</span></th>
                    <td class="num">{trim(r.rate)}</td>
                    <td>{sourceName(r.source)}<span class="muted detail"><When at={r.updatedAt} /></span></td>
                    <td>
                      {r.history.length === 0 ? <span class="muted">none</span> : (
                        <ul class="plain">
                          {r.history.map((h) => <li>{trim(h.rate)} <span class="muted">({sourceName(h.source)}, <When at={h.at} />)</span></li>)}
                        </ul>
                      )}
                    </td>
                    <td>
                      {r.code === "USD" ? <span class="muted">base currency, always 1</span> : (
                        <form method="post" action={`/admin/rates/${r.code}`} class="admin-form rate-form" novalidate>
                          <div class={mine ? "field field-invalid" : "field"}>
                            <label for={id}>New {r.code} rate</label>
                            <FieldError id={id} error={mine?.field === "rate" ? mine.message : undefined} />
                            <input id={id} name="rate" type="text" inputMode="decimal" maxLength={20} autocomplete="off" value={mine ? mine.rate : trim(r.rate)}
                              aria-invalid={mine?.field === "rate" ? "true" : undefined} aria-describedby={mine?.field === "rate" ? `${id}-error` : undefined} />
                          </div>
                          <div class={mine?.field === "reason" ? "field field-invalid" : "field"}>
                            <label for={`${id}-reason`}>Reason (optional)</label>
                            <FieldError id={`${id}-reason`} error={mine?.field === "reason" ? mine.message : undefined} />
                            <input id={`${id}-reason`} name="reason" type="text" maxLength={500} autocomplete="off" value={mine?.reason ?? ""} />
                          </div>
                          <button type="submit">Set {r.code} rate</button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </AdminLayout>
  );
}

/** "0.92000000" -> "0.92"; "150.00000000" -> "150". */
const trim = (rate: string) => (rate.includes(".") ? rate.replace(/0+$/, "").replace(/\.$/, "") : rate);
