/** "My orders": the customer's orders, newest first, each with its status, date and total. */
import type { OrderView } from "../../actors/contracts/order-view.ts";
import { formatMoney, formatTime } from "../format.ts";
import { Layout, type Shell } from "../layout.tsx";
import { StatusBadge } from "./order-status.tsx";

/** The order history page; an empty list says so and points to the shop. */
export function OrderHistoryPage({ shell, orders }: { shell: Shell; orders: OrderView[] }) {
  return (
    <Layout title="My orders" shell={shell}>
      <section class="card order-history" aria-labelledby="history-title">
        <h1 id="history-title">My orders</h1>
        {orders.length === 0 ? (
          <div class="history-empty">
            <p>You have not placed any orders yet.</p>
            <p><a href="/">Browse the shop</a></p>
          </div>
        ) : (
          <ol class="history-list">
            {orders.map((o) => <OrderRow order={o} />)}
          </ol>
        )}
      </section>
    </Layout>
  );
}

function OrderRow({ order }: { order: OrderView }) {
  const units = order.items.reduce((n, i) => n + i.qty, 0);
  const first = order.items[0]?.name ?? "";
  const what = order.items.length > 1 ? `${first} and ${order.items.length - 1} more` : first;
  return (
    <li class="history-row">
      <a href={`/orders/${encodeURIComponent(order.orderId)}`} class="history-link">
        <span class="history-what">{what}</span>
        <span class="visually-hidden">, order {order.orderId}</span>
      </a>
      <StatusBadge status={order.status} />
      <span class="muted">
        <time dateTime={order.createdAt}>{formatTime(order.createdAt)}</time>
        {` · ${units} ${units === 1 ? "item" : "items"} · `}
        <strong class="history-total">{formatMoney(order.total, order.currency)}</strong>
      </span>
    </li>
  );
}
