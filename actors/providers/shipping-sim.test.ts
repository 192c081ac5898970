import { describe, expect, test } from "bun:test";
import type { ShippingResult } from "./ports.ts";
import { shippingSimulator } from "./shipping-sim.ts";

const to = (postalCode: string, attempt = 1) => ({
  address: { name: "Ada Lovelace", line1: "12 St James's Square", city: "London", postalCode, country: "GB" },
  items: [{ sku: "LAP-001", qty: 1 }, { sku: "AUD-002", qty: 2 }],
  attempt,
});

describe("ship by destination", () => {
  const cases: [postalCode: string, attempt: number, expected: ShippingResult | "shipped"][] = [
    ["SW1Y 4LG", 1, "shipped"],
    ["94107", 1, "shipped"],
    ["00002", 1, "shipped"],
    ["00000", 1, { ok: false, code: "UNDELIVERABLE", reason: "address is undeliverable" }],
    ["00000", 2, { ok: false, code: "UNDELIVERABLE", reason: "address is undeliverable" }],
    ["00000", 5, { ok: false, code: "UNDELIVERABLE", reason: "address is undeliverable" }],
    ["00001", 1, { ok: false, code: "CARRIER_REJECTED", reason: "carrier rejected the parcel" }],
    ["00001", 2, "shipped"],
    ["00001", 3, "shipped"],
  ];
  test.each(cases)("%p on attempt %p", async (postalCode, attempt, expected) => {
    const sim = shippingSimulator();
    const r = await sim.ship(`ship:o-1:${attempt}`, to(postalCode, attempt));
    if (expected === "shipped") {
      expect(r).toEqual({ ok: true, carrier: "SimPost", trackingNumber: expect.stringMatching(/^SP[0-9A-F]{12}$/) });
      expect(await sim.shipmentsFor("o-1")).toHaveLength(1);
    } else {
      expect(r).toEqual(expected);
      expect(await sim.shipments()).toEqual([]);
    }
  });

  test("a parcel to 00001 ships on the retry, once", async () => {
    const sim = shippingSimulator();
    expect((await sim.ship("ship:o-1:1", to("00001", 1))).ok).toBe(false);
    const second = await sim.ship("ship:o-1:2", to("00001", 2));
    expect(second.ok).toBe(true);
    expect(await sim.shipmentsFor("o-1")).toEqual([{
      key: "ship:o-1:2", orderId: "o-1", trackingNumber: second.ok ? second.trackingNumber : "", carrier: "SimPost",
      address: to("00001").address, items: to("00001").items, attempt: 2,
    }]);
  });
});

describe("idempotency", () => {
  test("the same key answers the same and books one parcel", async () => {
    const sim = shippingSimulator();
    const first = await sim.ship("ship:o-1:1", to("94107"));
    // A replay to another address still gets the first answer: the key decides.
    expect(await sim.ship("ship:o-1:1", to("00000"))).toEqual(first);
    expect(await sim.shipments()).toHaveLength(1);
  });

  test("concurrent calls with one key book one parcel", async () => {
    const sim = shippingSimulator({ latencyMs: 20 });
    const answers = await Promise.all([1, 2, 3].map(() => sim.ship("ship:o-1:1", to("94107"))));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await sim.shipmentsFor("o-1")).toHaveLength(1);
  });

  test("the tracking number depends only on the key", async () => {
    const a = await shippingSimulator().ship("ship:o-1:1", to("94107"));
    const b = await shippingSimulator().ship("ship:o-1:1", to("10001"));
    const c = await shippingSimulator().ship("ship:o-2:1", to("94107"));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe("shipment records", () => {
  test("count per order, and keys of another shape have no order id", async () => {
    const sim = shippingSimulator();
    await sim.ship("ship:o-1:1", to("94107"));
    await sim.ship("ship:o-2:1", to("94107"));
    await sim.ship("ship:o-2:2", to("94107", 2));
    await sim.ship("manual parcel", to("94107"));
    expect(await sim.shipmentsFor("o-1")).toHaveLength(1);
    expect((await sim.shipmentsFor("o-2")).map((s) => s.attempt)).toEqual([1, 2]);
    expect((await sim.shipments()).find((s) => s.key === "manual parcel")?.orderId).toBeUndefined();
  });

  test("are copies: changing the input or a returned record changes nothing", async () => {
    const sim = shippingSimulator();
    const input = to("94107");
    await sim.ship("ship:o-1:1", input);
    input.items[0]!.qty = 99;
    (await sim.shipments())[0]!.trackingNumber = "tampered";
    expect((await sim.shipments())[0]).toMatchObject({ items: [{ sku: "LAP-001", qty: 1 }, { sku: "AUD-002", qty: 2 }], trackingNumber: expect.stringMatching(/^SP/) });
  });
});

test("latencyMs delays every answer", async () => {
  const sim = shippingSimulator({ latencyMs: 40 });
  const started = performance.now();
  await sim.ship("ship:o-1:1", to("00000"));
  expect(performance.now() - started).toBeGreaterThanOrEqual(35);
});
