/**
 * The checkout form's parts. Errors show twice: in a summary announced on load
 * (role="alert") that links to each field, and beside the field, tied to it by
 * aria-describedby. The card number is never echoed back into the page.
 */
import { TEST_CARDS } from "../../actors/providers/test-cards.ts";

export type AddressValues = { name: string; line1: string; city: string; postalCode: string; country: string };
export type CheckoutField = keyof AddressValues | "card";
/** A problem with one field, or with the whole checkout when `field` is absent. */
export type CheckoutError = { field?: CheckoutField; message: string };

/** The list of problems at the top of the form; nothing when there are none. */
export function ErrorSummary({ errors }: { errors: CheckoutError[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {errors.map((e) => <li>{e.field ? <a href={`#checkout-${e.field}`}>{e.message}</a> : e.message}</li>)}
      </ul>
    </div>
  );
}

type FieldProps = {
  field: CheckoutField;
  label: string;
  autocomplete: string;
  value?: string;
  errors: CheckoutError[];
  hint?: string;
  extra?: Record<string, string | number>;
};

/** A labelled text input with its hint and its error. */
export function Field({ field, label, autocomplete, value, errors, hint, extra = {} }: FieldProps) {
  const id = `checkout-${field}`;
  const error = errors.find((e) => e.field === field)?.message;
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      {error && <p id={`${id}-error`} class="field-error"><span class="visually-hidden">Error: </span>{error}</p>}
      <input
        id={id} name={field} type="text" autocomplete={autocomplete} required value={value}
        aria-invalid={error ? "true" : undefined} aria-describedby={described || undefined} {...extra}
      />
    </div>
  );
}

/** The simulator's test cards, so a demo can take every path of the saga on purpose. */
export function TestCards() {
  return (
    <details class="test-cards">
      <summary>Test cards</summary>
      <p>This shop charges a simulated card processor. Use any of these numbers:</p>
      <table class="items">
        <thead>
          <tr><th scope="col">Card number</th><th scope="col">What happens</th></tr>
        </thead>
        <tbody>
          {TEST_CARDS.map((card) => (
            <tr>
              <td><code>{card.number.replace(/(\d{4})(?=\d)/g, "$1 ")}</code></td>
              <td>{card.outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
