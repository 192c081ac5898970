/**
 * The single definition of an order's read model: the projector builds it, the order
 * service and pages read it, and live subscribers parse it with this schema (published
 * views arrive as `unknown`: in-process today, over NATS in distributed mode).
 * The TypeScript types are inferred from the schema, so the two cannot drift apart.
 */
import { z } from "zod";
import { FailureCode } from "./failures.ts";
import { Allocation, Money, OrderItem, OrderStatus, ShippedParcel } from "./payloads.ts";

/** One entry of the order's timeline as customers and admins see it; `code` names what failed, when something did. */
export const ViewEntry = z.object({
  status: OrderStatus, at: z.string(), reason: z.string(), code: FailureCode.optional(), details: z.record(z.string(), z.unknown()),
});
export type ViewEntry = z.infer<typeof ViewEntry>;

/** An order as its pages and the API show it: status, items, totals and timeline. */
export const OrderView = z.object({
  orderId: z.string(), customerId: z.string(), status: OrderStatus, items: z.array(OrderItem),
  total: Money, currency: z.string(),
  /** the conversion rate the prices were taken at (see OrderState.fxRate) */
  fxRate: z.string().optional(),
  createdAt: z.string(), updatedAt: z.string(),
  timeline: z.array(ViewEntry),
  /** which warehouse holds what, once reserved (absent before warehouses) */
  allocations: z.array(Allocation).optional(),
  /** the parcels shipped, each with its warehouse and tracking number */
  parcels: z.array(ShippedParcel).optional(),
});

/** What a status change's details say about warehouses: the reservation's allocations, the shipment's parcels. */
export const WarehouseDetails = z.object({ allocations: z.array(Allocation).optional(), parcels: z.array(ShippedParcel).optional() });
export type OrderView = z.infer<typeof OrderView>;
