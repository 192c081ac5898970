/**
 * A deterministic carrier for demos and tests. The postal code picks the outcome (see
 * README.md in this folder); the idempotency key picks the tracking number, so the same
 * key always gets the same answer and books at most one parcel.
 */
import type { Address, Line, ShippingFailureCode } from "../contracts/index.ts";
import type { Refusal, ShipInput, ShippingProvider, ShippingResult } from "./ports.ts";
import { memoryBooks, type Books } from "./books.ts";
import { answerOnce, orderIdOf, stableId } from "./sim-shared.ts";

export const SIM_CARRIER = "SimPost";

/** One booked parcel. `orderId` is known when the key names the order; `warehouse` when the request said where it leaves from. */
export type Shipment = {
  key: string; orderId?: string; trackingNumber: string; carrier: string; address: Address; items: Line[]; attempt: number; warehouse?: string;
};

export type ShippingSimulator = ShippingProvider & {
  /** Every parcel booked so far, oldest first. */
  shipments(): Promise<Shipment[]>;
  /** The parcels booked for one order. */
  shipmentsFor(orderId: string): Promise<Shipment[]>;
  /** A fault to inject: when set, every booking is made but its answer lost on the way back. */
  loseAnswers: boolean;
};

/** Why the carrier refuses `postalCode` on `attempt`, or null when it ships. */
function refusal(postalCode: string, attempt: number): Refusal<ShippingFailureCode> | null {
  switch (postalCode.trim()) {
    case "00000": return { ok: false, code: "UNDELIVERABLE", reason: "address is undeliverable" };
    case "00001": return attempt <= 1 ? { ok: false, code: "CARRIER_REJECTED", reason: "carrier rejected the parcel" } : null;
    default: return null;
  }
}

/**
 * A shipping provider with the test-destination rules of README.md and a record of every
 * parcel, kept in `books` (in memory unless given: see books.ts).
 */
export function shippingSimulator(opts: { latencyMs?: number; books?: Books; loseAnswers?: boolean } = {}): ShippingSimulator {
  const books = opts.books ?? memoryBooks();
  const shipOnce = answerOnce<ShippingResult>(books, "ship", opts.latencyMs);
  const shipments = () => books.journal<Shipment>();

  const sim: ShippingSimulator = {
    loseAnswers: opts.loseAnswers ?? false,
    ship: (key: string, input: ShipInput) => shipOnce(key, async (l) => {
      const refused = refusal(input.address.postalCode, input.attempt);
      if (refused) return refused;
      const trackingNumber = `SP${stableId(key, 12).toUpperCase()}`;
      const orderId = orderIdOf(key);
      await l.append<Shipment>({
        key, ...(orderId ? { orderId } : {}), trackingNumber, carrier: SIM_CARRIER, address: input.address, items: input.items, attempt: input.attempt,
        ...(input.warehouse ? { warehouse: input.warehouse } : {}),
      });
      return { ok: true, trackingNumber, carrier: SIM_CARRIER };
    }, sim.loseAnswers || input.address.postalCode.trim() === ANSWER_LOST),
    lookup: (op, key) => books.answered<ShippingResult>(op, key),
    shipments,
    shipmentsFor: async (orderId) => (await shipments()).filter((s) => s.orderId === orderId),
  };
  return sim;
}

/** The destination whose bookings are made but whose answers never arrive (README.md). */
const ANSWER_LOST = "00009";
