import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { renderDocument } from "../layout.tsx";
import { CancelRegion, eventIdOf, OrderUpdate, StatusRegion, TimelineRegion } from "./order-live.tsx";
import { OrderPage } from "./order-page.tsx";
import { advanced, customerShell, placedOrder } from "../test-fixtures.ts";

const view = advanced(placedOrder("o-1", "c-1"), "PAYMENT_FAILED", "card declined");
const page = renderDocument(<OrderPage shell={customerShell} view={view} streamUrl="/orders/o-1/stream" />);

test("shows the status, items, total and history", () => {
  expect(page).toContain("Payment declined");
  expect(page).toContain("Green tea");
  expect(page).toContain("$44.97");
  expect(page.indexOf("Order received")).toBeLessThan(page.indexOf("card declined"));
});

test("in the site header like every page: search, cart, the customer's orders, currency", () => {
  expect(page).toContain('role="search"');
  expect(page).toContain("Sign out Ada");
  expect(page).toContain('<a href="/orders">My orders</a>');
  expect(page).toContain('<select id="currency-select" name="code">');
});

test("connects to the stream, tells it which version it shows and never swaps an error page in", () => {
  expect(page).toContain('<article class="order" hx-sse:connect="/orders/o-1/stream" hx-swap="none"');
  expect(page).toContain(`hx-headers="{&quot;Last-Event-ID&quot;:&quot;${eventIdOf(view)}&quot;}"`);
});

test("the stream's partials carry exactly the regions the page renders (one component for both)", () => {
  const update = render(<OrderUpdate view={view} />);
  const status = render(<StatusRegion view={view} />);
  const timeline = render(<TimelineRegion view={view} />);
  const cancel = render(<CancelRegion view={view} />);
  expect(page).toContain(status);
  expect(page).toContain(timeline);
  expect(page).toContain(cancel);
  expect(update).toBe(
    `<hx-partial hx-target="#order-status" hx-swap="outerMorph">${status}</hx-partial>` +
      `<hx-partial hx-target="#order-timeline" hx-swap="outerMorph">${timeline}</hx-partial>` +
      `<hx-partial hx-target="#order-cancel" hx-swap="outerMorph">${cancel}</hx-partial>`,
  );
});

test("the event id grows with every status change", () => {
  expect(eventIdOf(placedOrder("o-1", "c-1"))).toBe(1);
  expect(eventIdOf(view)).toBe(2);
});
