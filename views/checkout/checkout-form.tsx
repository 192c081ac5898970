/**
 * The checkout form's parts: the shared form parts (views/form-parts.tsx) with the
 * checkout's field names, and the test cards. The card number is never echoed back.
 */
import { TEST_CARDS } from "../../actors/providers/test-cards.ts";
import { errorOf, ErrorSummary, Field, type FieldProps, type Problem } from "../form-parts.tsx";

export type AddressValues = { name: string; line1: string; city: string; postalCode: string; country: string };
export type CheckoutField = keyof AddressValues | "card";
/** A problem with one field, or with the whole checkout when `field` is absent. */
export type CheckoutError = Problem<CheckoutField>;

/** The summary of the checkout's problems, linked to the checkout's inputs. */
export const CheckoutSummary = ({ errors }: { errors: CheckoutError[] }) => <ErrorSummary errors={errors} idOf={inputId} />;

type InputProps = Omit<FieldProps, "id" | "name" | "error" | "type"> & { field: CheckoutField; errors: CheckoutError[] };

/** A checkout text field, with the error `errors` hold for it. */
export const CheckoutInput = ({ field, errors, ...rest }: InputProps) =>
  <Field id={inputId(field)} name={field} error={errorOf(errors, field)} {...rest} />;

const inputId = (field: CheckoutField) => `checkout-${field}`;

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
