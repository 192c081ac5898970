/**
 * The runner hands an actor only the event types it lists in `reads`. This keeps that list
 * honest: in every situation an order can be in, each actor ignores every type it does not
 * list, so filtering by type can never drop a message an actor would have acted on.
 */
import { describe, expect, test } from "bun:test";
import { EVENT_TYPES, type Envelope, type EventType } from "./contracts/index.ts";
import { inventoryActor } from "./inventory.ts";
import type { OrderState } from "./order-state.ts";
import { paymentActor } from "./payment.ts";
import { projectorActor } from "./projector.ts";
import type { Actor, CallBase } from "./runtime/actor.ts";
import { shippingActor } from "./shipping.ts";
import { CFG, NOW, ORDER, order, reach, SITUATION_NAMES } from "./testing/test-kit.ts";

/** An envelope of `type` whose payload nobody should read: an actor that ignores the type never looks. */
const bare = (type: EventType) => ({
  eventId: "00000000-0000-4000-8000-000000000000", type, version: 1, timestamp: NOW.toISOString(), correlationId: ORDER,
  causationId: null, key: ORDER, payload: {}, headers: { "event-contract-version": "v1" },
}) as unknown as Envelope;

const states = SITUATION_NAMES.map((name) => [name, reach(name)] as [string, OrderState]);

function expectIgnoresTheRest<S, M>(actor: Actor<S, M, any, any, string, CallBase, unknown>, input: (e: Envelope) => M, situations: (S | null)[]) {
  const unread = EVENT_TYPES.filter((t) => !actor.reads.includes(t));
  expect(unread.length).toBeGreaterThan(0);
  for (const type of unread) {
    for (const s of situations) {
      const out = actor.decide(s, input(bare(type)), { now: NOW, res: {} as never, result: undefined });
      expect({ type, out: out.kind }).toEqual({ type, out: "ignore" });
    }
  }
}

describe("an actor ignores every type it does not read", () => {
  test("order, in every situation an order can be in", () => {
    expect(CFG.handlingMs).toBeGreaterThan(0);
    expectIgnoresTheRest(order, (env) => ({ kind: "event" as const, env }), states.map(([, s]) => s));
  });
  test("inventory, payment, shipping and the projector, with and without state", () => {
    expectIgnoresTheRest(inventoryActor, (e) => e, [null, { held: [{ sku: "A", qty: 1 }], sold: false, cancelled: false }]);
    expectIgnoresTheRest(paymentActor, (e) => e, [null, { status: "authorized", paymentId: "p-1", amount: 100 }]);
    expectIgnoresTheRest(shippingActor, (e) => e, [null, { trackingNumber: "T-1", carrier: "SimPost" }]);
    expectIgnoresTheRest(projectorActor, (e) => e, [null]);
  });
});
