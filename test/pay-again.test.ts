/**
 * A declined order paid with another card, through the JSON API and the order page's form, on a real shop;
 * and on Postgres and on the distributed engines (Kafka mock, NATS, Redis), where each paid order is captured once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { startShop, waitUntil, type Shop } from "./kit.ts";
import { visitor } from "./visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const DECLINE = "4000 0000 0000 0002";
const VISA = "4242 4242 4242 4242";

test("API: declined, then another card that is declined shows the decline again, then a good card ships", async () => {
  const id = await shop.place("payer-1", { card: "tok_decline" });
  await shop.waitFor(id, ["PAYMENT_FAILED"]);
  const token = await shop.token("customer", "payer-1");
  const again = await shop.call("POST", `/api/orders/${id}/pay`, { token, body: { card: DECLINE } });
  expect(again.status).toBe(202);
  // the read model may still show the first decline: wait for the second one
  let declinedTwice = false;
  for (let i = 0; i < 300 && !declinedTwice; i++) {
    const view = await shop.waitFor(id, ["PAYMENT_FAILED"]);
    declinedTwice = view.timeline.filter((e) => e.status === "PAYMENT_FAILED").length === 2;
    if (!declinedTwice) await Bun.sleep(50);
  }
  expect(declinedTwice).toBe(true);
  const paid = await shop.call("POST", `/api/orders/${id}/pay`, { token, body: { card: VISA } });
  expect(paid.status).toBe(202);
  const shipped = await shop.waitFor(id, ["SHIPPED"]);
  expect(shipped.timeline.filter((e) => e.reason === "payment retried with another card")).toHaveLength(2);
});

test("API: someone else's order is a 404, a bad card number a 400 naming it, and both change nothing", async () => {
  const id = await shop.place("payer-2", { card: "tok_decline" });
  await shop.waitFor(id, ["PAYMENT_FAILED"]);
  const other = await shop.call("POST", `/api/orders/${id}/pay`, { token: await shop.token("customer", "payer-x"), body: { card: VISA } });
  expect(other.status).toBe(404);
  const bad = await shop.call("POST", `/api/orders/${id}/pay`, { token: await shop.token("customer", "payer-2"), body: { card: "1234" } });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.json)).toContain("card");
  expect((await shop.waitFor(id, ["PAYMENT_FAILED"])).timeline).toHaveLength(3);
});

test("page: the form's double submit makes one attempt and lands on the order both times; it ships", async () => {
  const id = await shop.place("payer-3", { card: "tok_decline" });
  await shop.waitFor(id, ["PAYMENT_FAILED"]);
  const me = await visitor(shop).signIn("payer-3");
  const page = await (await me.get(`/orders/${id}`)).text();
  expect(page).toContain(`action="/orders/${id}/pay"`);
  expect(page).toContain("Your items are held for you until");
  const [first, second] = await Promise.all([me.post(`/orders/${id}/pay`, { card: VISA }), me.post(`/orders/${id}/pay`, { card: VISA })]);
  for (const res of [first, second]) {
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/orders/${id}`);
  }
  const shipped = await shop.waitFor(id, ["SHIPPED"]);
  expect(shipped.timeline.filter((e) => e.reason === "payment retried with another card")).toHaveLength(1);
  const after = await (await me.get(`/orders/${id}`)).text();
  expect(after).toContain("tracking number");
  expect(after).not.toContain("/pay");
});

test("after the reservation expired: 409 with a clear message, and the customer was told the order is closed", async () => {
  const short = await startShop({ reservationTtlMs: 300 });
  try {
    const signUp = await short.call("POST", "/api/auth/register", { body: { email: "payer-4@example.com", password: "analytical1", name: "Ada Lovelace" } });
    expect(`${signUp.status} ${JSON.stringify(signUp.json)}`).toStartWith("201");
    const customer = signUp.json.user.id as string;
    const id = await short.place(customer, { card: "tok_decline" });
    await short.waitFor(id, ["INVENTORY_RELEASED"]);
    const res = await short.call("POST", `/api/orders/${id}/pay`, { token: await short.token("customer", customer), body: { card: VISA } });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.json)).toContain("reservation has expired");
    const mails = () => short.sys.database.sql.query<{ template: string }>("SELECT template FROM notify.messages WHERE subject = $1 ORDER BY id", [id]);
    await waitUntil(async () => (await mails()).some((m) => m.template === "closedUnpaid"), 10_000, "the closed-unpaid mail");
    expect((await mails()).map((m) => m.template)).toEqual(["orderConfirmed", "paymentDeclined", "closedUnpaid"]);
  } finally {
    await short.stop();
  }
});

describe.each(["postgres", "distributed"] as const)("on %s", (engine) => {
  test("declined orders paid with another card all ship: one authorization and one capture each, nothing refunded", async () => {
    const payment = paymentSimulator();
    const other = await startShop({}, { payment, shipping: shippingSimulator() }, engine);
    try {
      const customers = ["payer-d1", "payer-d2", "payer-d3", "payer-d4"];
      const ids = await Promise.all(customers.map((c) => other.place(c, { card: "tok_decline" })));
      await Promise.all(ids.map((id) => other.waitFor(id, ["PAYMENT_FAILED"], 60_000)));
      for (const [i, id] of ids.entries()) {
        const token = await other.token("customer", customers[i]);
        expect((await other.call("POST", `/api/orders/${id}/pay`, { token, body: { card: VISA } })).status).toBe(202);
      }
      const shipped = await Promise.all(ids.map((id) => other.waitFor(id, ["SHIPPED"], 60_000)));
      for (const [i, id] of ids.entries()) {
        expect(shipped[i]!.timeline.map((e) => e.status)).toEqual([
          "CREATED", "INVENTORY_RESERVED", "PAYMENT_FAILED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED",
        ]);
        // the capture follows the shipment: wait for it, then make sure nothing came twice
        let kinds: string[] = [];
        for (let n = 0; n < 600 && !kinds.includes("capture"); n++) {
          kinds = (await payment.ledger()).filter((e) => e.orderId === id).map((e) => e.kind).sort();
          if (!kinds.includes("capture")) await Bun.sleep(50);
        }
        expect(kinds).toEqual(["authorize", "capture"]);
      }
      expect((await payment.ledger()).filter((e) => e.kind === "refund")).toEqual([]);
    } finally {
      await other.stop();
    }
  }, 180_000);
});
