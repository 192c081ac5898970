import { describe, expect, test } from "bun:test";
import { InputError } from "../../actors/contracts/errors.ts";
import { encodeCursor } from "../../actors/orders/order-cursor.ts";
import { readOrderList, withParam } from "./order-list-params.ts";

const read = (qs: string) => readOrderList(new URLSearchParams(qs));
const row = { placed: "2026-12-05T10:00:00.000Z", total: 1999, status: "SHIPPED" as const, id: "ab12" };

describe("reading the order list's query", () => {
  test("nothing given: newest first, 50 a page, no filter", () => {
    expect(read("")).toEqual({ query: { sort: "placed", dir: "desc", limit: 50 }, search: "" });
  });

  test("a blank form field means any", () => {
    const { query, search } = read("status=&from=&to=&customer=&min=&max=&currency=&id=&sort=&dir=&cursor=");
    expect(query).toEqual({ sort: "placed", dir: "desc", limit: 50 });
    expect(search).toBe("");
  });

  test("every filter at once", () => {
    const { query, search } = read("status=SHIPPED&status=PAYMENT_FAILED,CREATED&from=2026-01-01&to=2026-01-31T12:00:00Z"
      + "&customer=+Ada+&min=10&max=99.5&currency=EUR&id=AB12-&sort=total&dir=asc&limit=20");
    expect(query).toEqual({
      statuses: ["SHIPPED", "PAYMENT_FAILED", "CREATED"], from: new Date("2026-01-01"), to: new Date("2026-01-31T12:00:00Z"),
      customer: "Ada", minTotal: 1000, maxTotal: 9950, currency: "EUR", idPrefix: "ab12-", sort: "total", dir: "asc", limit: 20,
    });
    // the filter as links carry it: statuses repeated, no cursor
    expect(search).toBe("?status=SHIPPED&status=PAYMENT_FAILED&status=CREATED&from=2026-01-01&to=2026-01-31T12%3A00%3A00Z"
      + "&customer=Ada&min=10&max=99.5&currency=EUR&id=AB12-&sort=total&dir=asc&limit=20");
  });

  test("a day as the upper bound takes in the whole day", () => {
    expect(read("to=2026-01-31").query.to).toEqual(new Date("2026-02-01T00:00:00Z"));
    expect(read("from=2026-01-31&to=2026-01-31").query).toMatchObject({ from: new Date("2026-01-31"), to: new Date("2026-02-01") });
  });

  test("a cursor of the same sort comes back as its key", () => {
    const cursor = encodeCursor("total", "asc", row);
    expect(read(`sort=total&dir=asc&cursor=${cursor}`).query.after).toEqual({ sort: "total", dir: "asc", after: [1999, "ab12"] });
    expect(withParam(read("sort=total&dir=asc").search, "cursor", cursor)).toBe(`?sort=total&dir=asc&cursor=${cursor}`);
  });

  test.each([
    ["status=LOST", "status"],
    ["status=SHIPPED,lost", "status"],
    ["from=yesterday", "from"],
    ["to=1899-12-31", "to"],
    ["from=2026-02-01&to=2026-01-01", "to"],
    ["min=-5", "min"],
    ["min=1e3", "min"],
    ["max=12.345", "max"],
    ["min=20&max=10", "max"],
    ["currency=XXX", "currency"],
    ["id=not-hex!", "id"],
    ["id=" + "a".repeat(37), "id"],
    ["customer=" + "x".repeat(201), "customer"],
    ["sort=price", "sort"],
    ["dir=up", "dir"],
    ["cursor=garbage", "cursor"],
    [`cursor=${encodeCursor("placed", "desc", row)}&sort=total`, "cursor"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["offset=50", "offset"],
  ])("%s is refused, naming %s", (qs, field) => {
    let caught: unknown;
    try {
      read(qs);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).field).toBe(field);
    expect((caught as InputError).message.startsWith(`${field}: `)).toBe(true);
  });
});
