import { z } from "zod";
import { FailureCode, PaymentFailureCode, ShippingFailureCode, StockFailureCode } from "./failures.ts";
import { OrderTimer } from "./timers.ts";

/** Money is always integer minor units of `currency`. */
export const Money = z.number().int().nonnegative();
export const Sku = z.string().min(1).max(64);
export const Line = z.object({ sku: Sku, qty: z.number().int().positive() });
/** A product as the catalog's events carry it (price in USD cents, the base currency). */
export const CatalogProduct = z.object({
  sku: Sku, name: z.string(), category: z.string(), brand: z.string(), price: Money, lowStockThreshold: z.number().int().nonnegative(),
});
/** Units of one SKU held in (or shipped from) one warehouse: a reservation is a list of these. */
export const Allocation = Line.extend({ warehouse: z.string().min(1).max(16) });
/** What one warehouse ships for an order: one parcel. */
export const Parcel = z.object({ warehouse: z.string().min(1).max(16), items: z.array(Line).min(1) });
/** A parcel the carrier booked. */
export const ShippedParcel = Parcel.extend({ trackingNumber: z.string(), carrier: z.string() });
export const OrderItem = Line.extend({ name: z.string(), unitPrice: Money });
export const Address = z.object({
  name: z.string().trim().min(1).max(120),
  line1: z.string().trim().min(1).max(200),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().trim().regex(/^[A-Z]{2}$/, "two-letter ISO country code"),
});
export const Step = z.enum(["inventory", "payment", "shipping", "refund"]);
export const Attempt = z.number().int().positive();

export const ORDER_STATUSES = [
  "CREATED", "INVENTORY_RESERVED", "INVENTORY_FAILED", "PAYMENT_AUTHORIZED", "PAYMENT_FAILED",
  "PROCESSING", "SHIPPED", "SHIPPING_FAILED", "DELIVERED", "CANCELLED", "REFUND_PENDING",
  "REFUND_FAILED", "REFUNDED", "INVENTORY_RELEASED",
] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;
export type Line = z.infer<typeof Line>;
export type Allocation = z.infer<typeof Allocation>;
export type Parcel = z.infer<typeof Parcel>;
export type ShippedParcel = z.infer<typeof ShippedParcel>;
export type OrderItem = z.infer<typeof OrderItem>;
export type Address = z.infer<typeof Address>;
export type Step = z.infer<typeof Step>;

const id = { orderId: z.string().min(1) };
const user = { userId: z.string().min(1) };
const Email = z.string().email().max(254);
/** A one-time secret for a link in a message (verify an email, reset a password). The log carries
 * it to the notifier; the account keeps only its hash, and it works once and expires. */
const LinkToken = { token: z.string().min(32).max(128), expiresAt: z.string().datetime() };

/** Payload schema per event type. The type name carries the major version. */
export const PAYLOADS = {
  "order.OrderCreated.v1": z.object({
    ...id, customerId: z.string(), items: z.array(OrderItem).min(1), total: Money,
    currency: z.string().length(3), shippingAddress: Address,
    /** units of `currency` per US dollar the prices were converted at; absent on events from before it was recorded */
    fxRate: z.string().regex(/^\d+(\.\d+)?$/).optional(),
  }),
  "order.PaymentRequested.v1": z.object({
    ...id, amount: Money, currency: z.string().length(3), paymentToken: z.string(), attempt: Attempt,
  }),
  "order.ShipmentRequested.v1": z.object({
    ...id, shippingAddress: Address, items: z.array(Line), attempt: Attempt,
    /** one per warehouse the reservation holds stock in; absent on requests from before warehouses (one parcel) */
    parcels: z.array(Parcel).optional(),
  }),
  "order.PaymentCaptureRequested.v1": z.object({ ...id, amount: Money }),
  "order.OrderCancelled.v1": z.object({ ...id, reason: z.string(), refund: z.boolean() }),
  "order.RefundRequested.v1": z.object({ ...id, amount: Money, reason: z.string(), attempt: Attempt }),
  "order.StatusChanged.v1": z.object({
    ...id, from: OrderStatus.nullable(), to: OrderStatus, reason: z.string(),
    /** set when the change records a failure (absent on changes from before codes were recorded) */
    code: FailureCode.optional(),
    details: z.record(z.string(), z.unknown()).default({}),
  }),
  "order.TimerFired.v1": z.object({ ...id, timer: OrderTimer, token: z.string() }),
  /** the order stayed in `status` (entered at `since`) longer than `afterMs` (actors/order-stall.ts) */
  "order.SagaStalled.v1": z.object({ ...id, status: OrderStatus, since: z.string(), afterMs: z.number().int().nonnegative() }),
  "inventory.InventoryReserved.v1": z.object({
    ...id, lines: z.array(Line), attempt: Attempt,
    /** which warehouse holds what; absent on reservations from before warehouses */
    allocations: z.array(Allocation).optional(),
  }),
  "inventory.InventoryFailed.v1": z.object({
    ...id, code: StockFailureCode, reason: z.string(), attempt: Attempt,
    shortages: z.array(z.object({ sku: Sku, requested: z.number().int(), available: z.number().int() })),
  }),
  "inventory.InventoryReleased.v1": z.object({ ...id, lines: z.array(Line), reason: z.string(), allocations: z.array(Allocation).optional() }),
  "inventory.StockCommitted.v1": z.object({ ...id, lines: z.array(Line), allocations: z.array(Allocation).optional() }),
  "payment.PaymentAuthorized.v1": z.object({ ...id, paymentId: z.string(), amount: Money, attempt: Attempt }),
  "payment.PaymentFailed.v1": z.object({ ...id, code: PaymentFailureCode, reason: z.string(), attempt: Attempt }),
  "payment.PaymentCaptured.v1": z.object({ ...id, paymentId: z.string(), amount: Money }),
  "payment.PaymentRefunded.v1": z.object({ ...id, paymentId: z.string().nullable(), amount: Money }),
  "payment.RefundFailed.v1": z.object({ ...id, code: PaymentFailureCode, reason: z.string() }),
  "shipping.OrderShipped.v1": z.object({
    ...id, trackingNumber: z.string(), carrier: z.string(), attempt: Attempt,
    /** every parcel with its warehouse (the first one's tracking number is `trackingNumber`); absent before warehouses */
    parcels: z.array(ShippedParcel).optional(),
  }),
  "shipping.ShippingFailed.v1": z.object({ ...id, code: ShippingFailureCode, reason: z.string(), attempt: Attempt }),
  "ops.RetryRequested.v1": z.discriminatedUnion("step", [
    z.object({
      ...id, step: z.literal("inventory"), attempt: Attempt, lines: z.array(Line),
      /** the shipping country, which warehouses are preferred for (absent on retries from before warehouses) */
      country: z.string().regex(/^[A-Z]{2}$/).optional(),
    }),
    z.object({
      ...id, step: z.literal("payment"), attempt: Attempt, amount: Money,
      currency: z.string().length(3), paymentToken: z.string(),
    }),
    z.object({
      ...id, step: z.literal("shipping"), attempt: Attempt, shippingAddress: Address, items: z.array(Line),
      parcels: z.array(Parcel).optional(),
    }),
    z.object({ ...id, step: z.literal("refund"), attempt: Attempt, amount: Money }),
  ]),
  "ops.CompensationRequested.v1": z.discriminatedUnion("action", [
    z.object({ ...id, action: z.literal("refundPayment"), amount: Money, attempt: Attempt }),
    z.object({ ...id, action: z.literal("releaseInventory"), reason: z.string() }),
  ]),
  "inventory.LowStock.v1": z.object({
    sku: Sku, name: z.string(), available: z.number().int(), threshold: z.number().int().nonnegative(),
  }),
  "inventory.StockAdjusted.v1": z.object({
    sku: Sku, delta: z.number().int(), reason: z.string(), note: z.string(), onHand: z.number().int(), reserved: z.number().int(),
    available: z.number().int(), actor: z.string().nullable(),
    /** the warehouse adjusted (absent before warehouses); onHand, reserved and available are the SKU's totals */
    warehouse: z.string().optional(),
  }),
  "catalog.ProductCreated.v1": CatalogProduct,
  "catalog.ProductUpdated.v1": CatalogProduct.extend({ changed: z.array(z.string()) }),
  "catalog.ProductArchived.v1": z.object({ sku: Sku }),
  "catalog.ProductRestored.v1": z.object({ sku: Sku }),
  "user.Registered.v1": z.object({
    ...user, email: Email, firstName: z.string(), lastName: z.string(), phone: z.string().nullable(),
  }),
  "user.EmailVerificationRequested.v1": z.object({ ...user, email: Email, firstName: z.string(), ...LinkToken }),
  "user.PasswordResetRequested.v1": z.object({ ...user, email: Email, firstName: z.string(), ...LinkToken }),
  "user.PasswordChanged.v1": z.object({ ...user, email: Email, firstName: z.string() }),
  "ops.DeadLetter.v1": z.object({
    consumer: z.string(), topic: z.string(), partition: z.number().int(), offset: z.string(),
    error: z.string(), attempts: z.number().int(), original: z.string(),
  }),
} as const;

export type EventType = keyof typeof PAYLOADS;
export type PayloadOf<T extends EventType> = z.infer<(typeof PAYLOADS)[T]>;
export const EVENT_TYPES = Object.keys(PAYLOADS) as EventType[];
