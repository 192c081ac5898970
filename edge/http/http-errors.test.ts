import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import {
  AccountConflict, CartConflict, DeadLetterConflict, OrderConflict, StockConflict,
} from "../../actors/contracts/errors.ts";
import { setLogWriter, withCorrelation } from "../../actors/runtime/log.ts";
import { onError } from "./http-errors.ts";

/** An app whose one route throws `err`, answered by the one error mapping. */
const answer = (err: Error) => new Hono().get("/", () => { throw err; }).onError(onError).request("/");

describe("409: an order's refusal names its status, every other refusal its code", () => {
  test("an order conflict answers { error, status } with the order's current status", async () => {
    const res = await answer(new OrderConflict("SHIPPED", "an order in status SHIPPED cannot be cancelled"));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: "an order in status SHIPPED cannot be cancelled", status: "SHIPPED" });
  });

  test.each([
    ["a cart", new CartConflict("LIMIT", "You can have at most 10 of Mug in your cart."), "LIMIT"],
    ["an account", new AccountConflict("EMAIL_TAKEN", "An account with this email already exists"), "EMAIL_TAKEN"],
    ["a dead letter", new DeadLetterConflict("UNREPLAYABLE", "dead letter 7 breaks its contract"), "UNREPLAYABLE"],
    ["a stock adjustment", new StockConflict("RESERVED", "cannot remove 5 units of MUG: only 2 are not reserved"), "RESERVED"],
  ] as const)("%s conflict answers { error, code }", async (_, err, code) => {
    const res = await answer(err);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: err.message, code });
  });
});

test("a real fault is a 500 whose answer and log line carry the same correlation id", async () => {
  const lines: string[] = [];
  const previous = setLogWriter((line) => lines.push(line));
  try {
    const app = new Hono()
      .use((_, next) => withCorrelation("corr-42", next))
      .get("/", () => { throw new Error("disk on fire"); })
      .onError(onError);
    const res = await app.request("/");
    expect(res.status).toBe(500);
    expect(res.headers.get("x-correlation-id")).toBe("corr-42");
    expect(await res.json()).toEqual({ error: "internal error", correlationId: "corr-42" });
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "unhandled");
    expect(logged).toMatchObject({ level: "error", correlationId: "corr-42", method: "GET", path: "/", error: { message: "disk on fire" } });
  } finally {
    setLogWriter(previous);
  }
});
