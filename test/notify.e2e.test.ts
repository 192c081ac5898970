/**
 * The notifier end to end: a registered customer's order is confirmed by email, and the
 * delivery worker of the running shop sends it (marks it sent) without anyone asking;
 * the links in it point at PUBLIC_URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ENGINES } from "./engines.ts";
import { startShop, waitUntil, type Shop } from "./kit.ts";

type Row = { template: string; channel: string; recipient: string; status: string; attempts: number };

describe.each(ENGINES)("notifier on %s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({ publicUrl: "https://shop.example.com" }, undefined, engine);
  });
  afterAll(() => shop.stop());

  test("an order's confirmation goes out on its own and is marked sent", async () => {
    const email = `notify-${engine}@example.com`;
    const signUp = await shop.call("POST", "/api/auth/register", { body: { email, password: "analytical1", name: "Ada Lovelace" } });
    expect(signUp.status).toBe(201);
    const id = await shop.place(signUp.json.user.id, { key: `notify-${engine}` });
    const rows = () => shop.sys.database.sql.query<Row>(
      "SELECT template, channel, recipient, status, attempts FROM notify.messages WHERE subject = $1 ORDER BY id", [id]);
    await waitUntil(async () => (await rows()).some((r) => r.template === "orderConfirmed" && r.status === "sent"), 15_000, "the confirmation sent");
    expect((await rows()).find((r) => r.template === "orderConfirmed")).toEqual({ template: "orderConfirmed", channel: "email", recipient: email, status: "sent", attempts: 1 });
  });
});
