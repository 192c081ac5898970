/** Every cookie the shop sets is Secure, except over plain http to localhost; against a whole shop. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setCookieOf } from "../../test/accounts-kit.ts";
import { startShop, type Shop } from "../../test/kit.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
}, 30_000);
afterAll(() => shop.stop());

let n = 0;
/** A same-origin form post to `origin` + `path`, as a browser on that page sends it. */
const post = (origin: string, path: string, form: Record<string, string>) =>
  shop.app.request(`${origin}${path}`, {
    method: "POST", body: new URLSearchParams(form).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
  });

/** The Secure attribute of the session, refresh, cart and currency cookies set by requests to `origin`. */
async function secureFlags(origin: string) {
  const added = await post(origin, "/cart/items", { sku: "BOK-001", qty: "1" });
  const registered = await post(origin, "/register", { firstName: "Cookie", lastName: "Jar", email: `cookie${++n}@example.com`, password: "analytical1", next: "/" });
  const currency = await post(origin, "/currency", { code: "EUR", back: "/" });
  expect([added.status, registered.status, currency.status]).toEqual([303, 303, 303]);
  const flag = (res: Response, name: string) => setCookieOf(res, name)?.secure === "true";
  return {
    cart: flag(added, "cart"), session: flag(registered, "session"), refresh: flag(registered, "refresh"),
    currency: flag(currency, "currency"),
  };
}

const allSecure = { cart: true, session: true, refresh: true, currency: true };
const noneSecure = { cart: false, session: false, refresh: false, currency: false };

describe("the Secure attribute", () => {
  test.each(["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000", "http://shop.localhost"])(
    "not over plain http to this machine (%s), where browsers would not send it back",
    async (origin) => {
      expect(await secureFlags(origin)).toEqual(noneSecure);
    },
  );

  test.each(["http://shop.example", "http://192.0.2.10:3000", "http://localhost.example.com", "https://localhost:3000", "https://shop.example"])(
    "on every cookie over https or on any other host, even over plain http (%s)",
    async (origin) => {
      expect(await secureFlags(origin)).toEqual(allSecure);
    },
  );
});
