import { afterEach, describe, expect, test } from "bun:test";
import { httpProviders } from "../actors/providers/http.ts";
import { faultsFromEnv, losesAnswers, NO_FAULTS } from "./provider-faults.ts";
import { startProviderSim, type ProviderSim } from "./provider-sim.ts";

const card = { amount: 500, currency: "USD", token: "tok_visa", attempt: 1 };
const parcel = { address: { name: "Ada", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" }, items: [{ sku: "SKU-1", qty: 1 }], attempt: 1 };
/** Settles to "pending" when `p` has not answered within `ms`. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<"pending">((r) => setTimeout(r, ms, "pending"))]);

let sim: ProviderSim | undefined;
afterEach(() => sim?.stop());

describe("PROVIDER_FAULTS", () => {
  test("reads name=number pairs, and none when unset", () => {
    expect(faultsFromEnv(undefined)).toEqual(NO_FAULTS);
    expect(faultsFromEnv("delay=0.1, delayMs=4000,lost=0.01")).toEqual({ delay: 0.1, delayMs: 4000, lost: 0.01, twice: 0 });
  });
  test.each([
    ["delay", `"delay" is not name=number`],
    ["delay=x", `"delay=x" is not name=number`],
    ["lost=2", "lost: Too big"],
    ["slow=1", "Unrecognized key"],
  ])("%p is refused", (text, why) => {
    expect(() => faultsFromEnv(text)).toThrow(why);
  });
  test("a key loses its answers on every try, and about the share asked of keys do", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `ship:o-${i}:1`);
    const lost = keys.filter((k) => losesAnswers(k, 0.1));
    expect(lost.length).toBeGreaterThan(150);
    expect(lost.length).toBeLessThan(250);
    expect(lost.every((k) => losesAnswers(k, 0.1))).toBe(true);
    expect(keys.some((k) => losesAnswers(k, 0))).toBe(false);
  });
});

describe("the provider service under faults", () => {
  test("a lost answer: the parcel is booked, no answer comes, and a retry with the key is lost too", async () => {
    sim = startProviderSim({ port: 0, faults: { ...NO_FAULTS, lost: 1 } });
    const client = httpProviders(sim.url);
    expect(await within(client.shipping.ship("ship:o-1:1", parcel), 300)).toBe("pending");
    expect(await within(client.shipping.ship("ship:o-1:1", parcel), 300)).toBe("pending");
    expect((await sim.shipping.shipments()).map((s) => s.key)).toEqual(["ship:o-1:1"]);
    expect(sim.faults.get().done).toMatchObject({ lost: 2, lostKeys: ["ship:o-1:1"] });
  });

  test("an answer handled twice moves money once and answers as the first did", async () => {
    sim = startProviderSim({ port: 0, faults: { ...NO_FAULTS, twice: 1 } });
    const client = httpProviders(sim.url);
    const a = await client.payment.authorize("authorize:o-2:1", card);
    expect(a).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_/) });
    expect(await sim.payment.ledger()).toHaveLength(1);
    expect(sim.faults.get().done.twice).toBe(1);
  });

  test("a delayed answer comes after delayMs, with the work done before", async () => {
    sim = startProviderSim({ port: 0, faults: { ...NO_FAULTS, delay: 1, delayMs: 600 } });
    const client = httpProviders(sim.url);
    const answer = client.payment.authorize("authorize:o-3:1", card);
    expect(await within(answer, 200)).toBe("pending");
    expect(await sim.payment.ledger()).toHaveLength(1);
    expect(await answer).toMatchObject({ ok: true });
  });

  test("POST /faults sets them, GET shows them; a bad one is a 400 naming the field and changes nothing", async () => {
    sim = startProviderSim({ port: 0 });
    const post = (body: string) => fetch(`${sim!.url}/faults`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect((await post(JSON.stringify({ twice: 0.5 }))).status).toBe(200);
    const bad = await post(JSON.stringify({ twice: 7 }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "twice" });
    expect(await (await fetch(`${sim.url}/faults`)).json()).toMatchObject({ faults: { ...NO_FAULTS, twice: 0.5 } });
  });
});
