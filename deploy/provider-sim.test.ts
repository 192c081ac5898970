import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Address } from "../actors/contracts/index.ts";
import { providerCaller } from "../actors/providers/caller.ts";
import { httpProviders } from "../actors/providers/http.ts";
import { ProviderUnavailable, type PaymentResult, type ShippingResult } from "../actors/providers/ports.ts";
import { startProviderSim, type ProviderSim } from "./provider-sim.ts";

const card = (token: string, attempt = 1) => ({ amount: 12_345, currency: "USD", token, attempt });
const address = (postalCode = "10115"): Address => ({ name: "Ada", line1: "1 Main St", city: "Berlin", postalCode, country: "DE" });
const parcel = (postalCode?: string, attempt = 1) => ({ address: address(postalCode), items: [{ sku: "SKU-1", qty: 2 }], attempt });

/** Settles to "pending" when `p` has not answered within `ms`. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<"pending">((r) => setTimeout(r, ms, "pending"))]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sim: ProviderSim;
let client: ReturnType<typeof httpProviders>;
beforeEach(() => {
  sim = startProviderSim({ port: 0 });
  client = httpProviders(sim.url);
});
afterEach(() => sim.stop());

const get = async (path: string): Promise<unknown> => (await fetch(`${sim.url}${path}`)).json();
const post = (path: string, body: string) => fetch(`${sim.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });

describe("payment rules over HTTP", () => {
  const cases: [token: string, attempt: number, expected: PaymentResult | "approved"][] = [
    ["tok_visa", 1, "approved"],
    ["tok_refund_fail", 1, "approved"],
    ["tok_decline", 1, { ok: false, code: "CARD_DECLINED", reason: "card declined" }],
    ["tok_insufficient_funds", 1, { ok: false, code: "INSUFFICIENT_FUNDS", reason: "insufficient funds" }],
    ["tok_decline_once", 1, { ok: false, code: "CARD_DECLINED", reason: "card declined" }],
    ["tok_decline_once", 2, "approved"],
    ["4242424242424242", 1, { ok: false, code: "INVALID_CARD", reason: "invalid card token" }],
  ];
  test.each(cases)("authorize %p on attempt %p", async (token, attempt, expected) => {
    const key = `authorize:o-1:${attempt}`;
    const r = await client.payment.authorize(key, card(token, attempt));
    if (expected === "approved") {
      expect(r).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_[0-9a-f]{16}$/) });
      expect(await get("/ledger")).toEqual([{ kind: "authorize", paymentId: r.ok ? r.paymentId : "", amount: 12_345, key, orderId: "o-1" }]);
    } else {
      expect(r).toEqual(expected);
      expect(await get("/ledger")).toEqual([]);
    }
  });

  test("a decline is a 200 answer, not an HTTP error", async () => {
    const res = await post("/payment/authorize", JSON.stringify({ idempotencyKey: "authorize:o-1:1", input: card("tok_decline") }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: false, code: "CARD_DECLINED", reason: "card declined" });
  });

  test("capture then refund move money once each and show in the ledger", async () => {
    const a = await client.payment.authorize("authorize:o-1:1", card("tok_visa"));
    if (!a.ok) throw new Error(a.reason);
    const ref = { paymentId: a.paymentId, amount: 12_345 };
    expect(await client.payment.capture("capture:o-1", ref)).toEqual({ ok: true, paymentId: a.paymentId });
    expect(await client.payment.refund("refund:o-1:1", ref)).toEqual({ ok: true, paymentId: a.paymentId });
    expect(await get("/ledger")).toEqual([
      { kind: "authorize", paymentId: a.paymentId, amount: 12_345, key: "authorize:o-1:1", orderId: "o-1" },
      { kind: "capture", paymentId: a.paymentId, amount: 12_345, key: "capture:o-1", orderId: "o-1" },
      { kind: "refund", paymentId: a.paymentId, amount: 12_345, key: "refund:o-1:1", orderId: "o-1" },
    ]);
    expect(await sim.payment.capturedTotal(a.paymentId)).toBe(12_345);
  });

  test("tok_refund_fail refuses the refund and moves nothing back", async () => {
    const a = await client.payment.authorize("authorize:o-1:1", card("tok_refund_fail"));
    if (!a.ok) throw new Error(a.reason);
    const r = await client.payment.refund("refund:o-1:1", { paymentId: a.paymentId, amount: 12_345 });
    expect(r).toEqual({ ok: false, code: "REFUND_REJECTED", reason: "refund rejected by the card issuer" });
    expect(await sim.payment.refundedTotal(a.paymentId)).toBe(0);
  });

  test("capturing an unknown payment fails", async () => {
    expect(await client.payment.capture("capture:o-9", { paymentId: "pay_nope", amount: 1 })).toEqual({ ok: false, code: "UNKNOWN_PAYMENT", reason: "unknown payment" });
  });
});

describe("shipping rules over HTTP", () => {
  const cases: [postalCode: string, attempt: number, expected: ShippingResult | "shipped"][] = [
    ["10115", 1, "shipped"],
    ["00000", 1, { ok: false, code: "UNDELIVERABLE", reason: "address is undeliverable" }],
    ["00000", 2, { ok: false, code: "UNDELIVERABLE", reason: "address is undeliverable" }],
    ["00001", 1, { ok: false, code: "CARRIER_REJECTED", reason: "carrier rejected the parcel" }],
    ["00001", 2, "shipped"],
  ];
  test.each(cases)("ship to %p on attempt %p", async (postalCode, attempt, expected) => {
    const key = `ship:o-1:${attempt}`;
    const r = await client.shipping.ship(key, parcel(postalCode, attempt));
    if (expected === "shipped") {
      expect(r).toEqual({ ok: true, trackingNumber: expect.stringMatching(/^SP[0-9A-F]{12}$/), carrier: "SimPost" });
      expect(await get("/shipments")).toEqual([{ key, orderId: "o-1", trackingNumber: r.ok ? r.trackingNumber : "", carrier: "SimPost", ...parcel(postalCode, attempt) }]);
    } else {
      expect(r).toEqual(expected);
      expect(await get("/shipments")).toEqual([]);
    }
  });

  test("GET /shipments?orderId= lists one order's parcels", async () => {
    await client.shipping.ship("ship:o-1:1", parcel());
    await client.shipping.ship("ship:o-2:1", parcel());
    expect(await get("/shipments?orderId=o-2")).toEqual([expect.objectContaining({ key: "ship:o-2:1", orderId: "o-2" })]);
  });
});

describe("idempotency over HTTP", () => {
  test("the same key twice answers the same and records one ledger entry", async () => {
    const first = await client.payment.authorize("authorize:o-1:1", card("tok_visa"));
    const again = await client.payment.authorize("authorize:o-1:1", card("tok_visa"));
    expect(again).toEqual(first);
    expect(await get("/ledger")).toHaveLength(1);
  });

  test("the same ship key twice books one parcel", async () => {
    const first = await client.shipping.ship("ship:o-1:1", parcel());
    expect(await client.shipping.ship("ship:o-1:1", parcel())).toEqual(first);
    expect(await get("/shipments")).toHaveLength(1);
  });

  test("concurrent calls with one key share one decision and one ledger entry", async () => {
    await sim.stop();
    sim = startProviderSim({ port: 0, latencyMs: 30 });
    client = httpProviders(sim.url);
    const a = await client.payment.authorize("authorize:o-1:1", card("tok_visa"));
    if (!a.ok) throw new Error(a.reason);
    const ref = { paymentId: a.paymentId, amount: 12_345 };
    const captures = await Promise.all(Array.from({ length: 8 }, () => client.payment.capture("capture:o-1", ref)));
    const ships = await Promise.all(Array.from({ length: 8 }, () => client.shipping.ship("ship:o-1:1", parcel())));
    expect(new Set(captures.map((c) => JSON.stringify(c))).size).toBe(1);
    expect(new Set(ships.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(await get("/ledger")).toEqual([expect.objectContaining({ kind: "authorize" }), expect.objectContaining({ kind: "capture" })]);
    expect(await get("/shipments")).toHaveLength(1);
  });
});

describe("malformed requests", () => {
  const valid = { idempotencyKey: "authorize:o-1:1", input: card("tok_visa") };
  const cases: [name: string, field: string, path: string, body: string][] = [
    ["not JSON", "body", "/payment/authorize", "{nope"],
    ["no idempotency key", "idempotencyKey", "/payment/authorize", JSON.stringify({ input: valid.input })],
    ["an empty idempotency key", "idempotencyKey", "/payment/authorize", JSON.stringify({ ...valid, idempotencyKey: "" })],
    ["no input", "input", "/payment/authorize", JSON.stringify({ idempotencyKey: "k" })],
    ["a string amount", "input.amount", "/payment/authorize", JSON.stringify({ ...valid, input: { ...valid.input, amount: "10" } })],
    ["attempt 0", "input.attempt", "/payment/authorize", JSON.stringify({ ...valid, input: { ...valid.input, attempt: 0 } })],
    ["no payment id", "input.paymentId", "/payment/capture", JSON.stringify({ idempotencyKey: "capture:o-1", input: { amount: 1 } })],
    ["no postal code", "input.address.postalCode", "/shipping/ship", JSON.stringify({ idempotencyKey: "ship:o-1:1", input: { ...parcel(), address: { ...address(), postalCode: undefined } } })],
    ["a zero quantity", "input.items[0].qty", "/shipping/ship", JSON.stringify({ idempotencyKey: "ship:o-1:1", input: { ...parcel(), items: [{ sku: "SKU-1", qty: 0 }] } })],
  ];
  test.each(cases)("%s is a 400 naming %p", async (_name, field, path, body) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ field, error: expect.stringContaining(field) });
    expect(await get("/ledger")).toEqual([]);
    expect(await get("/shipments")).toEqual([]);
  });

  test("a 400 makes the client throw instead of inventing an answer", async () => {
    await expect(client.payment.capture("capture:o-1", { paymentId: "", amount: 1 })).rejects.toThrow(/answered 400/);
  });
});

describe("tok_timeout", () => {
  test("the call stays pending while the server keeps serving others", async () => {
    const hanging = client.payment.authorize("authorize:o-1:1", card("tok_timeout"));
    hanging.catch(() => {}); // it rejects when the server stops after the test
    expect(await within(hanging, 300)).toBe("pending");
    expect(await client.payment.authorize("authorize:o-2:1", card("tok_visa"))).toEqual({ ok: true, paymentId: expect.any(String) });
    expect(await client.shipping.ship("ship:o-2:1", parcel())).toEqual(expect.objectContaining({ ok: true }));
    expect(await within(hanging, 50)).toBe("pending");
    expect(await get("/ledger")).toEqual([expect.objectContaining({ key: "authorize:o-2:1" })]);
  });

  test("the runtime's caller turns it into a timeout answer once its tries are spent", async () => {
    const call = providerCaller(client, 200, { retries: 1, firstPauseMs: 10 });
    const r = await call({ provider: "payment", op: "authorize", idempotencyKey: "authorize:o-1:1", input: card("tok_timeout") });
    expect(r).toEqual({ ok: false, code: "AUTHORIZATION_TIMEOUT", reason: "payment provider did not answer within 200 ms (2 tries)" });
  });

  test("a client that disconnects frees its request and the server goes on", async () => {
    const abort = new AbortController();
    const hanging = fetch(`${sim.url}/payment/authorize`, {
      method: "POST", headers: { "content-type": "application/json" }, signal: abort.signal,
      body: JSON.stringify({ idempotencyKey: "authorize:o-1:1", input: card("tok_timeout") }),
    });
    hanging.catch(() => {});
    await sleep(100);
    expect(sim.pendingRequests()).toBe(1);
    abort.abort();
    await expect(hanging).rejects.toThrow();
    for (let i = 0; i < 50 && sim.pendingRequests() > 0; i++) await sleep(10);
    expect(sim.pendingRequests()).toBe(0);
    expect(await client.payment.authorize("authorize:o-2:1", card("tok_visa"))).toEqual(expect.objectContaining({ ok: true }));
  });

  test("a pending call rejects when the server stops", async () => {
    const hanging = client.payment.authorize("authorize:o-1:1", card("tok_timeout"));
    await sleep(100);
    const stopped = sim.stop();
    expect(await within(hanging.then(() => "answered", () => "rejected"), 2_000)).toBe("rejected");
    await stopped;
  });
});

describe("the client's failures", () => {
  test("a stopped server makes the call reject", async () => {
    await sim.stop();
    await expect(client.payment.authorize("authorize:o-1:1", card("tok_visa"))).rejects.toThrow(/failed/);
    await expect(client.shipping.ship("ship:o-1:1", parcel())).rejects.toThrow(/failed/);
  });

  // A stand-in speaking the protocol wrongly: the client must throw, never pass it on.
  const broken: [name: string, status: number, body: string, error: RegExp][] = [
    ["a 5xx", 503, JSON.stringify({ ok: true, paymentId: "pay_x" }), /answered 503/],
    ["a 200 of the wrong shape", 200, JSON.stringify({ ok: true }), /unexpected body/],
    ["a 200 that is not JSON", 200, "<html>", /unexpected body/],
    ["a decline without a code", 200, JSON.stringify({ ok: false, reason: "card declined" }), /unexpected body/],
    ["a decline with a code the port does not know", 200, JSON.stringify({ ok: false, code: "UNDELIVERABLE", reason: "x" }), /unexpected body/],
  ];
  test.each(broken)("%s throws", async (_name, status, body, error) => {
    const server = Bun.serve({ port: 0, fetch: () => new Response(body, { status, headers: { "content-type": "application/json" } }) });
    try {
      await expect(httpProviders(`http://127.0.0.1:${server.port}/`).payment.authorize("authorize:o-1:1", card("tok_visa"))).rejects.toThrow(error);
    } finally {
      await server.stop(true);
    }
  });
});

describe("a provider that cannot serve", () => {
  test("a 5xx, a 429 or a refused connection is ProviderUnavailable (transient); a 4xx is not", async () => {
    let status = 503;
    const failing = Bun.serve({ port: 0, fetch: () => new Response("busy", { status }) });
    try {
      const http = httpProviders(`http://127.0.0.1:${failing.port}`);
      for (status of [503, 500, 429]) await expect(http.payment.capture("capture:o-1", { paymentId: "pay_x", amount: 1 })).rejects.toBeInstanceOf(ProviderUnavailable);
      status = 400;
      const bad = await http.payment.capture("capture:o-1", { paymentId: "pay_x", amount: 1 }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(Error);
      expect(bad).not.toBeInstanceOf(ProviderUnavailable);
    } finally {
      await failing.stop(true);
    }
    const closed = httpProviders("http://127.0.0.1:9");
    await expect(closed.shipping.ship("ship:o-1:1", parcel())).rejects.toBeInstanceOf(ProviderUnavailable);
  });
});

describe("lookup by idempotency key and lost answers", () => {
  test("a lookup answers what a key was answered, and found: false for a key with nothing done", async () => {
    const auth = await client.payment.authorize("authorize:o-1:1", card("tok_visa"));
    expect(await client.payment.lookup("authorize", "authorize:o-1:1")).toEqual(auth);
    expect(await client.payment.lookup("refund", "authorize:o-1:1")).toBeNull();
    expect(await client.shipping.lookup("ship", "ship:o-1:1")).toBeNull();
    expect(await (await post("/payment/lookup", JSON.stringify({ op: "authorize", idempotencyKey: "nope" }))).json()).toEqual({ found: false });
    expect((await post("/payment/lookup", JSON.stringify({ op: "charge", idempotencyKey: "k" }))).status).toBe(400);
    expect((await post("/lose-answers", JSON.stringify({ loseAnswers: ["teleport"] }))).status).toBe(400);
  });

  test("with answers lost the work is done and the caller adopts it by lookup: one authorization, one capture, one parcel", async () => {
    expect(await (await post("/lose-answers", JSON.stringify({ loseAnswers: ["authorize", "capture", "ship"] }))).json())
      .toEqual({ loseAnswers: ["authorize", "capture", "ship"] });
    const call = providerCaller(client, 200, { retries: 1, firstPauseMs: 10 });
    const auth = await call({ provider: "payment", op: "authorize", idempotencyKey: "authorize:o-1:1", input: card("tok_visa") });
    if (!auth.ok || !("paymentId" in auth)) throw new Error("not adopted");
    expect(await call({ provider: "payment", op: "capture", idempotencyKey: "capture:o-1", input: { paymentId: auth.paymentId, amount: 12_345 } }))
      .toEqual({ ok: true, paymentId: auth.paymentId });
    expect(await call({ provider: "shipping", op: "ship", idempotencyKey: "ship:o-1:1", input: parcel() }))
      .toMatchObject({ ok: true, carrier: "SimPost" });
    expect(((await get("/ledger?orderId=o-1")) as { kind: string }[]).map((e) => e.kind)).toEqual(["authorize", "capture"]);
    expect(await get("/shipments?orderId=o-1")).toHaveLength(1);
  });
});
