/** What was ordered: one row per item and the order total. */
import type { OrderItem } from "../../actors/contracts/index.ts";
import { formatMoney } from "../format.ts";

type Props = { items: OrderItem[]; total: number; currency: string };

/** The items table with quantities, line amounts and the total charged. */
export function OrderSummary({ items, total, currency }: Props) {
  return (
    <table class="items">
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col" class="num">Qty</th>
          <th scope="col" class="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.sku}>
            <td>
              {item.name}
              <span class="muted"> {formatMoney(item.unitPrice, currency)} each</span>
            </td>
            <td class="num">{item.qty}</td>
            <td class="num">{formatMoney(item.unitPrice * item.qty, currency)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>Total</th>
          <td class="num total">{formatMoney(total, currency)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
