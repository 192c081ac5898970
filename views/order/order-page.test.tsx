import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { renderDocument } from "../layout.tsx";
import { CancelRegion, eventIdOf, OrderUpdate, StatusRegion, TimelineRegion } from "./order-live.tsx";
import { DeadlineRegion, ParcelsRegion } from "./order-details.tsx";
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
  const deadline = render(<DeadlineRegion view={view} />);
  const parcels = render(<ParcelsRegion view={view} />);
  for (const region of [status, timeline, cancel, deadline, parcels]) expect(page).toContain(region);
  expect(update).toBe(
    `<hx-partial hx-target="#order-status" hx-swap="outerMorph">${status}</hx-partial>` +
      `<hx-partial hx-target="#order-timeline" hx-swap="outerMorph">${timeline}</hx-partial>` +
      `<hx-partial hx-target="#order-cancel" hx-swap="outerMorph">${cancel}</hx-partial>` +
      `<hx-partial hx-target="#order-deadline" hx-swap="outerMorph">${deadline}</hx-partial>` +
      `<hx-partial hx-target="#order-parcels" hx-swap="outerMorph">${parcels}</hx-partial>`,
  );
});

test("the event id grows with every status change", () => {
  expect(eventIdOf(placedOrder("o-1", "c-1"))).toBe(1);
  expect(eventIdOf(view)).toBe(2);
});

const address = { name: "Ada Lovelace", line1: "12 St James's Square", city: "London", postalCode: "SW1Y 4JH", country: "GB" };

test("shows the delivery address, and until when the held items wait for a declined payment", () => {
  const held = renderDocument(<OrderPage shell={customerShell} view={view} streamUrl="/s"
    details={{ shippingAddress: address, reservedUntil: "2026-03-12T14:19:07.000Z" }} />);
  expect(held).toContain("12 St James's Square");
  expect(held).toContain("SW1Y 4JH London");
  expect(held).toContain("Not shipped yet");
  expect(held).toContain('held for you until <time datetime="2026-03-12T14:19:07.000Z" data-local>12 Mar 2026, 14:19:07 UTC</time>');
});

test("a paid order says until when it can be cancelled; a shipped one names carrier and tracking number", () => {
  const paid = advanced(placedOrder("o-2", "c-1"), "PAYMENT_AUTHORIZED", "payment authorized");
  const details = { shippingAddress: address, cancelUntil: "2026-03-12T15:00:00.000Z" };
  const page = renderDocument(<OrderPage shell={customerShell} view={paid} streamUrl="/s" details={details} />);
  expect(page).toContain("You can cancel until <time");
  expect(page).toContain("12 Mar 2026, 15:00:00 UTC");
  const last = { status: "SHIPPED" as const, at: "2026-03-12T15:00:02.000Z", reason: "order shipped", details: { carrier: "sim-post", trackingNumber: "TRK-42" } };
  const shipped = { ...paid, status: "SHIPPED" as const, timeline: [...paid.timeline, last] };
  const sent = renderDocument(<OrderPage shell={customerShell} view={shipped} streamUrl="/s" details={{ shippingAddress: address }} />);
  expect(sent).toContain('sim-post, tracking number <strong class="tracking">TRK-42</strong>');
  expect(sent).not.toContain("You can cancel until");
});

test("the deadlines the order recorded with its moves show from the view alone, so the stream can send them", () => {
  const reserved = { status: "INVENTORY_RESERVED" as const, at: "2026-03-12T14:03:01.000Z", reason: "stock reserved", details: { reservedUntil: "2026-03-12T14:18:01.000Z" } };
  const declined = { ...view, timeline: [view.timeline[0]!, reserved, ...view.timeline.slice(1)] };
  expect(render(<DeadlineRegion view={declined} />)).toContain('held for you until <time datetime="2026-03-12T14:18:01.000Z"');
  const authorized = { status: "PAYMENT_AUTHORIZED" as const, at: "2026-03-12T14:05:00.000Z", reason: "payment authorized", details: { shipsAt: "2026-03-12T15:05:00.000Z" } };
  const paid = { ...declined, status: "PAYMENT_AUTHORIZED" as const, timeline: [...declined.timeline, authorized] };
  const update = render(<OrderUpdate view={paid} />);
  expect(update).toContain('You can cancel until <time datetime="2026-03-12T15:05:00.000Z"');
  expect(update).not.toContain("held for you");
  // recorded beats the timers' read; the timers' read serves an order that recorded none
  expect(render(<DeadlineRegion view={paid} details={{ cancelUntil: "2030-01-01T00:00:00.000Z" }} />)).toContain("2026-03-12T15:05:00.000Z");
  expect(render(<DeadlineRegion view={view} details={{ reservedUntil: "2030-01-01T00:00:00.000Z" }} />)).toContain("2030-01-01T00:00:00.000Z");
  expect(render(<DeadlineRegion view={{ ...paid, status: "SHIPPED" }} />)).toBe('<div id="order-deadline"></div>');
});

test("an order held in two warehouses says it leaves in two parcels, then shows each parcel with its warehouse", () => {
  const allocations = [{ sku: "TEA-1", warehouse: "BER", qty: 2 }, { sku: "TEA-1", warehouse: "LYS", qty: 1 }];
  const paid = { ...advanced(placedOrder("o-3", "c-1"), "PAYMENT_AUTHORIZED", "payment authorized"), allocations };
  const waiting = renderDocument(<OrderPage shell={customerShell} view={paid} streamUrl="/s" details={{ shippingAddress: address }} />);
  expect(waiting).toContain("it leaves in 2 parcels, from warehouses BER and LYS");
  const parcels = [
    { warehouse: "BER", items: [{ sku: "TEA-1", qty: 2 }], carrier: "SimPost", trackingNumber: "SP-1" },
    { warehouse: "LYS", items: [{ sku: "TEA-1", qty: 1 }], carrier: "SimPost", trackingNumber: "SP-2" },
  ];
  const last = { status: "SHIPPED" as const, at: "2026-03-12T15:00:02.000Z", reason: "order shipped", details: { carrier: "SimPost", trackingNumber: "SP-1", parcels } };
  const shipped = { ...paid, status: "SHIPPED" as const, parcels, timeline: [...paid.timeline, last] };
  const sent = renderDocument(<OrderPage shell={customerShell} view={shipped} streamUrl="/s" details={{ shippingAddress: address }} />);
  expect(sent).toContain("<dt>Parcels</dt>");
  expect(sent).toContain('From warehouse <strong>BER</strong> (2 × TEA-1): SimPost, tracking number <strong class="tracking">SP-1</strong>');
  expect(sent).toContain('From warehouse <strong>LYS</strong> (1 × TEA-1): SimPost, tracking number <strong class="tracking">SP-2</strong>');
});

test("without JavaScript the page says the status may be out of date and refreshes itself until the order is final", () => {
  expect(page).toContain('<noscript><meta http-equiv="refresh" content="30"/>');
  expect(page).toContain('the status may be out of date');
  expect(page).toContain('<a href="/orders/o-1">refresh now</a>');
  const closed = advanced(view, "INVENTORY_RELEASED", "reservation expired");
  expect(renderDocument(<OrderPage shell={customerShell} view={closed} streamUrl="/s" />)).not.toContain("<noscript>");
});

test("history times are to the second with the zone named, marked for the reader's own zone", () => {
  expect(page).toContain('<time datetime="2026-03-12T14:03:00.000Z" data-local>12 Mar 2026, 14:03:00 UTC</time>');
});
