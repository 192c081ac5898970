import { describe, expect, test } from "bun:test";
import { isUnavailable } from "../runtime/unavailable.ts";
import { providerCaller } from "./caller.ts";
import { paymentSimulator } from "./payment-sim.ts";
import { ProviderUnavailable, type AuthorizeInput, type PaymentResult, type ProviderCall, type ShipInput } from "./ports.ts";
import { OutcomeUnknown } from "./reconcile.ts";
import { shippingSimulator } from "./shipping-sim.ts";

const card = (token: string): AuthorizeInput => ({ amount: 2_500, currency: "USD", token, attempt: 1 });
const authorize = (token: string): ProviderCall => ({ provider: "payment", op: "authorize", idempotencyKey: "authorize:o-1:1", input: card(token) });

/** A card processor whose first `failures` calls fail the way `fail` says, then answers; it records each key it was called with. */
function flaky(failures: number, fail: () => Promise<PaymentResult>) {
  const sim = paymentSimulator();
  const keys: string[] = [];
  const payment = {
    ...sim,
    authorize: async (key: string, input: AuthorizeInput) => (keys.push(key), keys.length <= failures ? fail() : sim.authorize(key, input)),
  };
  return { keys, sim, providers: { payment, shipping: shippingSimulator() } };
}
const unavailable = () => Promise.reject(new ProviderUnavailable("POST /payment/authorize answered 503"));
const hang = () => new Promise<PaymentResult>(() => {});

function pauses() {
  const taken: number[] = [];
  return { taken, sleep: async (ms: number) => void taken.push(ms) };
}

describe("provider caller", () => {
  test("a provider that is unavailable twice, then answers: tried again with the same key, one authorization", async () => {
    const p = flaky(2, unavailable);
    const { taken, sleep } = pauses();
    const r = await providerCaller(p.providers, 1_000, { sleep, random: () => 1 })(authorize("tok_visa"));
    expect(r).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_/) });
    expect(p.keys).toEqual(["authorize:o-1:1", "authorize:o-1:1", "authorize:o-1:1"]);
    expect(taken).toEqual([100, 200]);
    expect((await p.sim.ledger()).filter((e) => e.kind === "authorize")).toHaveLength(1);
  });

  test("a provider that does not answer in time is tried again the same way", async () => {
    const p = flaky(1, hang);
    const r = await providerCaller(p.providers, 30, pauses())(authorize("tok_visa"));
    expect(r.ok).toBe(true);
    expect(p.keys).toHaveLength(2);
  });

  test("pauses double with jitter: each is between half and all of its step, capped", async () => {
    const p = flaky(9, unavailable);
    const { taken, sleep } = pauses();
    let i = 0;
    const random = () => [0, 1, 0.5, 0, 1][i++ % 5]!;
    await providerCaller(p.providers, 1_000, { retries: 5, firstPauseMs: 100, maxPauseMs: 500, sleep, random })(authorize("tok_visa"));
    expect(taken).toEqual([50, 200, 300, 250, 500]);
  });

  test("once its tries are spent the step fails with the operation's timeout code, saying why", async () => {
    const p = flaky(9, unavailable);
    const r = await providerCaller(p.providers, 1_000, { retries: 2, ...pauses() })(authorize("tok_visa"));
    expect(r).toEqual({ ok: false, code: "AUTHORIZATION_TIMEOUT", reason: "payment provider unavailable: POST /payment/authorize answered 503 (3 tries)" });
    expect(p.keys).toHaveLength(3);
  });

  test("a decline is an answer: never tried again", async () => {
    const p = flaky(0, unavailable);
    const r = await providerCaller(p.providers, 1_000, pauses())(authorize("tok_decline"));
    expect(r).toEqual({ ok: false, code: "CARD_DECLINED", reason: "card declined" });
    expect(p.keys).toHaveLength(1);
  });

  test("an error that is not transient (a bug on one side) is thrown at once for the runtime's dead-letter path", async () => {
    const p = flaky(9, () => Promise.reject(new Error("POST /payment/authorize answered 400")));
    await expect(providerCaller(p.providers, 1_000, pauses())(authorize("tok_visa"))).rejects.toThrow("answered 400");
    expect(p.keys).toHaveLength(1);
  });
});

describe("reconciling an answer that was lost", () => {
  const retryOf = (token: string, earlier = ["authorize:o-1:1"]): ProviderCall =>
    ({ provider: "payment", op: "authorize", idempotencyKey: "authorize:o-1:2", earlier, input: { ...card(token), attempt: 2 } });

  test("the provider authorizes but every answer is lost: the lookup adopts its answer, one authorization", async () => {
    const sim = paymentSimulator({ loseAnswers: ["authorize"] });
    const r = await providerCaller({ payment: sim, shipping: shippingSimulator() }, 30, pauses())(authorize("tok_visa"));
    expect(r).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_/) });
    expect((await sim.ledger()).map((e) => e.kind)).toEqual(["authorize"]);
  });

  test("a reply lost on the way costs one timeout: the lookup after it adopts the answer, with no second try", async () => {
    const sim = paymentSimulator({ loseAnswers: ["authorize"] });
    const keys: string[] = [];
    const payment = { ...sim, authorize: (key: string, input: AuthorizeInput) => (keys.push(key), sim.authorize(key, input)) };
    const { taken, sleep } = pauses();
    const r = await providerCaller({ payment, shipping: shippingSimulator() }, 30, { sleep })(authorize("tok_visa"));
    expect(r).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_/) });
    expect(keys).toEqual(["authorize:o-1:1"]);
    expect(taken).toEqual([]);
  });

  test("the carrier books but every answer is lost: the booking is adopted, one parcel", async () => {
    const shipping = shippingSimulator({ loseAnswers: true });
    const input: ShipInput = { address: { name: "A", line1: "1 St", city: "C", postalCode: "12345", country: "GB" }, items: [], attempt: 1 };
    const r = await providerCaller({ payment: paymentSimulator(), shipping }, 30, pauses())({ provider: "shipping", op: "ship", idempotencyKey: "ship:o-1:1", input });
    expect(r).toEqual({ ok: true, trackingNumber: expect.stringMatching(/^SP/), carrier: "SimPost" });
    expect(await shipping.shipmentsFor("o-1")).toHaveLength(1);
  });

  test("no answer and the lookup cannot be made either: the outcome is unknown, the message comes again", async () => {
    const p = flaky(9, hang);
    const providers = { ...p.providers, payment: { ...p.providers.payment, lookup: () => Promise.reject(new ProviderUnavailable("503")) } };
    const err = await providerCaller(providers, 30, pauses())(authorize("tok_visa")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknown);
    expect(isUnavailable(err)).toBe(true);
  });

  test("a retry after an attempt whose answer was lost adopts it: no second authorization", async () => {
    const sim = paymentSimulator({ loseAnswers: ["authorize"] });
    await Promise.race([sim.authorize("authorize:o-1:1", card("tok_visa")), Bun.sleep(20)]);
    sim.loseAnswers.clear();
    const r = await providerCaller({ payment: sim, shipping: shippingSimulator() }, 1_000, pauses())(retryOf("tok_visa"));
    expect(r).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_/) });
    expect((await sim.ledger()).map((e) => e.key)).toEqual(["authorize:o-1:1"]);
  });

  test("a retry after a decline makes its new attempt", async () => {
    const p = flaky(0, unavailable);
    await p.sim.authorize("authorize:o-1:1", card("tok_decline_once"));
    const r = await providerCaller(p.providers, 1_000, pauses())(retryOf("tok_decline_once"));
    expect(r.ok).toBe(true);
    expect(p.keys).toEqual(["authorize:o-1:2"]);
  });

  test("a retry whose earlier attempt cannot be asked about makes no new attempt", async () => {
    const p = flaky(0, unavailable);
    const providers = { ...p.providers, payment: { ...p.providers.payment, lookup: () => new Promise<null>(() => {}) } };
    await expect(providerCaller(providers, 30, pauses())(retryOf("tok_visa"))).rejects.toBeInstanceOf(OutcomeUnknown);
    expect(p.keys).toEqual([]);
  });
});

describe("a shipment from several warehouses", () => {
  const address = { name: "Ada", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" };
  const parcel = (warehouse: string, attempt: number, postalCode = "10115"): ProviderCall & { op: "ship" } => ({
    provider: "shipping", op: "ship", idempotencyKey: `ship:o-9:${attempt}:${warehouse}`,
    earlier: Array.from({ length: attempt - 1 }, (_, i) => `ship:o-9:${i + 1}:${warehouse}`),
    input: { address: { ...address, postalCode }, items: [{ sku: "MUG", qty: 1 }], attempt, warehouse } satisfies ShipInput,
  });
  const parcels = (attempt: number, ...calls: (ProviderCall & { op: "ship" })[]): ProviderCall => ({
    provider: "shipping", op: "shipParcels", idempotencyKey: `ship:o-9:${attempt}`, parcels: calls,
  });

  test("books each parcel under its own key and answers with every parcel", async () => {
    const shipping = shippingSimulator();
    const call = providerCaller({ payment: paymentSimulator(), shipping }, 1_000, pauses());
    const r = await call(parcels(1, parcel("BER", 1), parcel("LYS", 1)));
    const booked = await shipping.shipmentsFor("o-9");
    expect(booked.map((b) => [b.key, b.warehouse])).toEqual([["ship:o-9:1:BER", "BER"], ["ship:o-9:1:LYS", "LYS"]]);
    expect(r).toEqual({
      ok: true, trackingNumber: booked[0]!.trackingNumber, carrier: "SimPost",
      parcels: booked.map((b) => ({ warehouse: b.warehouse ?? "?", items: b.items, trackingNumber: b.trackingNumber, carrier: "SimPost" })),
    });
  });

  test("a refused parcel fails the shipment; the retry adopts the parcel booked before and books the other once", async () => {
    const shipping = shippingSimulator();
    const call = providerCaller({ payment: paymentSimulator(), shipping }, 1_000, pauses());
    const first = await call(parcels(1, parcel("BER", 1), parcel("LYS", 1, "00001")));
    expect(first).toMatchObject({ ok: false, code: "CARRIER_REJECTED" });
    const second = await call(parcels(2, parcel("BER", 2), parcel("LYS", 2, "00001")));
    expect(second.ok).toBe(true);
    expect((await shipping.shipmentsFor("o-9")).map((b) => b.key)).toEqual(["ship:o-9:1:BER", "ship:o-9:2:LYS"]);
  });
});
