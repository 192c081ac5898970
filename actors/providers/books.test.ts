/**
 * The simulators' books in a database behave as a processor that outlives its callers: a
 * simulator started again over the same books answers every key as before, knows every
 * payment, and never moves money twice - also when calls race.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Sql } from "../../db/sql.ts";
import { databases, ENGINES } from "../../test/engines.ts";
import { booksUpkeep, memoryBooks, sqlBooks, type Books } from "./books.ts";
import { paymentSimulator } from "./payment-sim.ts";
import { shippingSimulator } from "./shipping-sim.ts";

const card = (token: string, attempt = 1) => ({ amount: 5_000, currency: "USD", token, attempt });
const address = { name: "Ada", line1: "1 Loop Rd", city: "Oslo", postalCode: "0150", country: "NO" };
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<"pending">((r) => setTimeout(r, ms, "pending"))]);

const dbs = databases();
afterAll(() => dbs.closeAll());

describe.each(ENGINES)("books in the database (%s)", (engine) => {
  let sql: Sql;
  beforeAll(async () => {
    sql = (await dbs.open(engine)).sql;
  });
  // One database per engine; each test its own pair of books in it.
  let n = 0;
  const open = async () => {
    const id = ++n;
    return { payment: () => sqlBooks(sql, `payment-${id}`), shipping: () => sqlBooks(sql, `shipping-${id}`) };
  };

  test("a simulator started again knows the payments and answers each key as before", async () => {
    const books = await open();
    const before = paymentSimulator({ books: books.payment() });
    const auth = await before.authorize("authorize:o-1:1", card("tok_visa"));
    if (!auth.ok) throw new Error(auth.reason);

    // A new process: nothing in memory, the same database.
    const after = paymentSimulator({ books: books.payment() });
    expect(await after.authorize("authorize:o-1:1", card("tok_decline"))).toEqual(auth);
    expect(await after.capture("capture:o-1", { paymentId: auth.paymentId, amount: 5_000 })).toEqual({ ok: true, paymentId: auth.paymentId });
    expect(await after.capture("capture:o-1:again", { paymentId: auth.paymentId, amount: 5_000 })).toEqual({ ok: true, paymentId: auth.paymentId });
    expect(await after.capture("capture:o-9", { paymentId: "pay_nobody", amount: 1 })).toMatchObject({ ok: false, code: "UNKNOWN_PAYMENT" });
    expect((await after.ledger()).map((e) => [e.kind, e.orderId])).toEqual([["authorize", "o-1"], ["capture", "o-1"]]);
    expect(await before.capturedTotal(auth.paymentId)).toBe(5_000);
  });

  test("racing calls with one key share one decision; a capture and a refund of one payment queue", async () => {
    const books = await open();
    const sims = [1, 2, 3].map(() => paymentSimulator({ books: books.payment() }));
    const answers = await Promise.all(sims.map((s) => s.authorize("authorize:o-2:1", card("tok_visa"))));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const paymentId = answers[0]!.ok ? answers[0]!.paymentId : "";
    const [captured, refunded] = await Promise.all([
      sims[0]!.capture("capture:o-2", { paymentId, amount: 5_000 }),
      sims[1]!.refund("refund:o-2:1", { paymentId, amount: 5_000 }),
    ]);
    // Whichever went first, the other sees it: never a capture after a refund.
    const kinds = (await sims[2]!.ledger()).map((e) => e.kind);
    expect(kinds[0]).toBe("authorize");
    if (kinds[1] === "refund") expect(captured).toMatchObject({ ok: false, code: "ALREADY_REFUNDED" });
    else expect(kinds.slice(1)).toEqual(["capture", "refund"]);
    expect(refunded.ok).toBe(true);
  });

  test("a key that never answered hangs again after a restart, and moves nothing", async () => {
    const books = await open();
    expect(await within(paymentSimulator({ books: books.payment() }).authorize("authorize:o-3:1", card("tok_timeout")), 50)).toBe("pending");
    const again = paymentSimulator({ books: books.payment() });
    expect(await within(again.authorize("authorize:o-3:1", card("tok_visa")), 50)).toBe("pending");
    expect(await again.ledger()).toEqual([]);
  });

  test("a lookup by key finds the answer kept, across a restart and when the answer was lost; nothing for a key that never answered", async () => {
    const books = await open();
    const lost = paymentSimulator({ books: books.payment() });
    expect(await within(lost.authorize("authorize:o-7:1", card("tok_answer_lost")), 50)).toBe("pending");
    expect(await within(lost.authorize("authorize:o-8:1", card("tok_timeout")), 50)).toBe("pending");
    const again = paymentSimulator({ books: books.payment() });
    expect(await again.lookup("authorize", "authorize:o-7:1")).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_/) });
    expect(await again.lookup("capture", "authorize:o-7:1")).toBeNull(); // keys are scoped per operation
    expect(await again.lookup("authorize", "authorize:o-8:1")).toBeNull();
    expect(await again.lookup("authorize", "authorize:o-9:1")).toBeNull();
    expect((await again.ledger()).map((e) => e.orderId)).toEqual(["o-7"]);
    const shipping = shippingSimulator({ books: books.shipping() });
    expect(await within(shipping.ship("ship:o-7:1", { address: { ...address, postalCode: "00009" }, items: [], attempt: 1 }), 50)).toBe("pending");
    expect(await shippingSimulator({ books: books.shipping() }).lookup("ship", "ship:o-7:1")).toMatchObject({ ok: true, carrier: "SimPost" });
  });

  test("the carrier books a parcel once per key, across a restart", async () => {
    const books = await open();
    const items = [{ sku: "BOK-002", qty: 1 }];
    const first = await shippingSimulator({ books: books.shipping() }).ship("ship:o-4:1", { address, items, attempt: 1 });
    const again = shippingSimulator({ books: books.shipping() });
    expect(await again.ship("ship:o-4:1", { address, items, attempt: 1 })).toEqual(first);
    expect((await again.shipmentsFor("o-4")).map((s) => s.key)).toEqual(["ship:o-4:1"]);
    // the books are kept apart: a payment journal holds no parcel
    expect(await paymentSimulator({ books: books.payment() }).ledger()).toEqual([]);
  });

  test("answers and journal entries older than the retention go; the payments stay, and a recent key answers as before", async () => {
    const books = await open();
    const sim = paymentSimulator({ books: books.payment() });
    const old = await sim.authorize("authorize:o-5:1", card("tok_visa"));
    const recent = await sim.authorize("authorize:o-6:1", card("tok_visa"));
    if (!old.ok || !recent.ok) throw new Error("declined");
    const name = `payment-${n}`;
    for (const table of ["sim.answers", "sim.journal"]) {
      await sql.query(`UPDATE ${table} SET at = now() - interval '8 days' WHERE book = $1 AND ${table === "sim.answers" ? "key" : "entry->>'orderId'"} = $2`,
        [name, table === "sim.answers" ? "authorize:o-5:1" : "o-5"]);
    }
    await booksUpkeep(7 * 24 * 3600_000)(sql);
    const count = async (table: string) => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE book = $1`, [name]))[0]!.n;
    expect([await count("sim.answers"), await count("sim.journal"), await count("sim.records")]).toEqual([1, 1, 2]);
    expect((await sim.ledger()).map((e) => e.orderId)).toEqual(["o-6"]);
    expect(await sim.authorize("authorize:o-6:1", card("tok_decline"))).toEqual(recent);
    // the purged payment is still known: it can be captured
    expect(await sim.capture("capture:o-5", { paymentId: old.paymentId, amount: 5_000 })).toEqual({ ok: true, paymentId: old.paymentId });
  });
});

describe("books in memory", () => {
  test("a decision that throws is not an answer: the next call decides again", async () => {
    const books: Books = memoryBooks();
    await expect(books.once("op", "k", async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await books.once("op", "k", async () => "fine")).toBe("fine");
    expect(await books.once("op", "k", async () => "other")).toBe("fine");
  });

  test("a lookup finds the kept answer, waiting for a decision under way; nothing for a key never decided", async () => {
    const books: Books = memoryBooks();
    let decided = (_: string) => {};
    const pending = books.once("op", "k", () => new Promise<string>((r) => (decided = r)));
    const looked = books.answered<string>("op", "k");
    await Bun.sleep(1); // the decision starts once the queue before it has run
    decided("done");
    expect([await pending, await looked]).toEqual(["done", "done"]);
    expect(await books.answered("op", "other")).toBeNull();
    expect(await books.answered("other", "k")).toBeNull();
  });
});
