/** The customer's page for one order: status and history update live over SSE. */
import type { OrderView } from "../../actors/contracts/order-view.ts";
import { Layout, type Shell } from "../layout.tsx";
import { CancelRegion, eventIdOf, StatusRegion, TimelineRegion } from "./order-live.tsx";
import { DeadlineRegion, ExactTime, DeliveryFacts, StaleNotice, type OrderDetails } from "./order-details.tsx";
import { OrderSummary } from "./order-summary.tsx";

/** `details` (address, deadlines) when the page could load them beside the read model. */
type Props = { shell: Shell; view: OrderView; streamUrl: string; details?: OrderDetails };

/**
 * The full order page. The article opens the SSE connection; hx-swap="none" keeps an
 * error answer (401/404 HTML) from replacing the page, while <hx-partial> blocks in each
 * message carry their own target and swap. hx-headers sends the version shown here as
 * Last-Event-ID, so the first connection sends only what is newer than this render.
 */
export function OrderPage({ shell, view, streamUrl, details }: Props) {
  const live = {
    "hx-sse:connect": streamUrl,
    "hx-swap": "none",
    "hx-headers": JSON.stringify({ "Last-Event-ID": String(eventIdOf(view)) }),
  };
  return (
    <Layout title={`Order ${view.orderId}`} shell={shell}>
      <article class="order" {...live}>
        <nav aria-label="Breadcrumb" class="breadcrumb">
          <a href="/orders">My orders</a> <span aria-hidden="true">›</span> <span aria-current="page">This order</span>
        </nav>
        <header class="card order-head">
          <h1>
            Order <span class="order-id">{view.orderId}</span>
          </h1>
          <p class="muted">
            Placed <ExactTime at={view.createdAt} />
          </p>
          <StaleNotice view={view} href={`/orders/${encodeURIComponent(view.orderId)}`} />
          <StatusRegion view={view} />
          <DeadlineRegion view={view} details={details} />
          <CancelRegion view={view} />
        </header>
        <DeliveryFacts view={view} address={details?.shippingAddress} />
        <section class="card" aria-labelledby="items-heading">
          <h2 id="items-heading">What you ordered</h2>
          <OrderSummary items={view.items} total={view.total} currency={view.currency} />
        </section>
        <section class="card" aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <TimelineRegion view={view} />
        </section>
      </article>
    </Layout>
  );
}
