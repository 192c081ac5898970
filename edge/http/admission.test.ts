import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { AuthEnv } from "../auth/auth.ts";
import { admission, admitOrder, admitShare, orderAdmission, Share, Turns, type Backlog, type Shed } from "./admission.ts";

/** An app whose commands wait for the test to let them end; it records what ran and what ended. */
function app(limits = { maxInFlight: 2, queueMs: 50, deadlineMs: 100 }) {
  const started: string[] = [];
  const ended: string[] = [];
  const shed: Shed[] = [];
  let open = () => {};
  let gate = new Promise<void>((r) => (open = r));
  const a = new Hono<AuthEnv>()
    .use(admission(limits, (why) => shed.push(why)))
    .post("/api/orders/:n", async (c) => {
      started.push(c.req.param("n"));
      await gate;
      ended.push(c.req.param("n"));
      return c.json({ ok: c.req.param("n") }, 202);
    })
    .post("/checkout", async (c) => {
      await gate;
      return c.text("placed");
    })
    .get("/api/orders/:n", async (c) => {
      await gate;
      return c.json({ read: c.req.param("n") });
    });
  const post = (path: string, headers: Record<string, string> = {}) => a.request(path, { method: "POST", headers });
  const release = () => {
    open();
    gate = new Promise<void>((r) => (open = r));
  };
  return { a, post, started, ended, shed, release };
}

describe("admission", () => {
  test("within the limits a command is served as ever", async () => {
    const s = app();
    const res = s.post("/api/orders/1");
    await Bun.sleep(1);
    s.release();
    expect((await res).status).toBe(202);
    expect(s.shed).toEqual([]);
  });

  test("a command that finds every turn taken waits; it is served when one ends in time", async () => {
    const s = app({ maxInFlight: 1, queueMs: 5_000, deadlineMs: 10_000 });
    const first = s.post("/api/orders/1");
    const second = s.post("/api/orders/2");
    await Bun.sleep(10);
    expect(s.started).toEqual(["1"]);
    s.release();
    expect((await first).status).toBe(202);
    await Bun.sleep(10);
    expect(s.started).toEqual(["1", "2"]);
    s.release();
    expect((await second).status).toBe(202);
  });

  test("no turn within the queue wait: 503 with Retry-After naming the reason, and the command never runs", async () => {
    const s = app();
    const held = [s.post("/api/orders/1"), s.post("/api/orders/2")];
    const res = await s.post("/api/orders/3");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect((await res.json()).error).toContain("nothing was changed");
    expect(s.started).not.toContain("3");
    expect(s.shed).toContain("queue");
    s.release();
    await Promise.all(held);
  });

  test("no answer by the deadline: 503 saying it may still take effect; the command goes on and holds its turn until it ends", async () => {
    const s = app({ maxInFlight: 1, queueMs: 20, deadlineMs: 50 });
    const res = await s.post("/api/orders/1");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect((await res.json()).error).toContain("may still take effect");
    expect(s.shed).toEqual(["deadline"]);
    // Its turn is still taken while the database works on it.
    expect((await s.post("/api/orders/2")).status).toBe(503);
    expect(s.shed).toEqual(["deadline", "queue"]);
    s.release();
    for (let i = 0; i < 50 && s.ended.length === 0; i++) await Bun.sleep(5);
    expect(s.ended).toEqual(["1"]);
    const next = s.post("/api/orders/3");
    await Bun.sleep(1);
    s.release();
    expect((await next).status).toBe(202);
  });

  test("the deadline counts from arrival: a command that waited for its turn gets only what is left", async () => {
    const s = app({ maxInFlight: 1, queueMs: 1_000, deadlineMs: 400 });
    const first = s.post("/api/orders/1");
    const second = s.post("/api/orders/2");
    await Bun.sleep(300);
    s.release(); // the first ends at 300 ms; the second takes its turn with 100 ms left
    expect((await first).status).toBe(202);
    const res = await Promise.race([second, Bun.sleep(350).then(() => null)]);
    // Counted from its turn it would have had until 700 ms; from arrival it ends at 400.
    expect(res?.status).toBe(503);
    expect(s.shed).toEqual(["deadline"]);
    s.release();
  });

  test("a browser posting a form gets the 503 as a page", async () => {
    const s = app({ maxInFlight: 0, queueMs: 10, deadlineMs: 50 });
    const res = await s.post("/checkout", { accept: "text/html" });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("The shop is busy");
  });

  test("reads are not commands: never turned away by the limit", async () => {
    const s = app({ maxInFlight: 0, queueMs: 10, deadlineMs: 10 });
    const res = s.a.request("/api/orders/1");
    await Bun.sleep(30);
    s.release();
    expect((await res).status).toBe(200);
    expect(s.shed).toEqual([]);
  });
});

describe("turns", () => {
  test("waiters take turns in arrival order; one that gave up is skipped", async () => {
    const t = new Turns(1);
    expect(await t.take(0)).toBe(true);
    const order: string[] = [];
    const a = t.take(1_000).then((ok) => order.push(`a:${ok}`));
    const gaveUp = await t.take(5);
    const b = t.take(1_000).then((ok) => order.push(`b:${ok}`));
    t.give();
    await a;
    t.give();
    await b;
    expect([gaveUp, order]).toEqual([false, ["a:true", "b:true"]]);
    t.give();
    expect(t.inUse).toBe(0);
  });
});

describe("order admission", () => {
  const limits = { targetMs: 1_000, minInWork: 16 };
  const backlog = (b: Partial<Backlog>): Backlog => ({ inWork: 100, lateMs: 0, doneRate: 200, ...b });

  test.each([
    ["up to half the target: every order", 500, 1],
    ["three quarters of the target: half of them", 750, 0.5],
    ["at the target: none", 1_000, 0],
    ["far past it: none", 9_000, 0],
  ])("share: %s", (_, lateMs, share) => {
    expect(admitShare(lateMs, limits)).toBeCloseTo(share, 9);
  });

  /** What `admitOrder` answers to eight orders in a row under `b`, one digit each. */
  const eight = (b: Backlog, placing = 0) => {
    const share = new Share();
    return Array.from({ length: 8 }, () => (admitOrder(b, placing, limits, share) ? 1 : 0)).join("");
  };
  test.each([
    ["work on time: every order, however much is in work", backlog({ inWork: 5_000, lateMs: 500, doneRate: 1 }), 0, "11111111"],
    ["late by three quarters of the target: every other order", backlog({ lateMs: 750 }), 0, "01010101"],
    ["as late as the target: none", backlog({ lateMs: 1_000 }), 0, "00000000"],
    ["late, with more in work than leave it within the target: none", backlog({ inWork: 150, lateMs: 600, doneRate: 100 }), 0, "00000000"],
    ["the orders being placed count as in work", backlog({ inWork: 90, lateMs: 600, doneRate: 100 }), 10, "00000000"],
    ["a few late orders (slow cards), with room: every order", backlog({ inWork: 15, lateMs: 9_000, doneRate: 0 }), 0, "11111111"],
    ["a crowd let in after a late backlog drained: up to the room only", backlog({ inWork: 10, lateMs: 2_000, doneRate: 0 }), 6, "00000000"],
  ])("%s", (_, b, placing, taken) => {
    expect(eight(b, placing)).toBe(taken);
  });

  test("a share is taken evenly: a quarter is every fourth, none is none, all is all", () => {
    const pick = (share: number) => {
      const s = new Share();
      return Array.from({ length: 8 }, () => (s.take(share) ? 1 : 0)).join("");
    };
    expect([pick(0.25), pick(0), pick(1), pick(0.5)]).toEqual(["00010001", "00000000", "11111111", "01010101"]);
  });

  /** An app that places orders behind the order admission, with the backlog the test sets. */
  function placing(b: Backlog) {
    const accepted: string[] = [];
    const shed: Shed[] = [];
    const ran: string[] = [];
    const watched = { current: async () => b, accepted: (id: string) => void accepted.push(id) };
    const gate = orderAdmission(limits, watched, (why) => shed.push(why));
    const a = new Hono<AuthEnv>()
      .use("/api/orders", gate)
      .use("/checkout", gate)
      .post("/api/orders", (c) => {
        ran.push("api");
        return c.json({ orderId: "o-api", status: "CREATED" }, 202);
      })
      .post("/checkout", (c) => {
        ran.push("checkout");
        return c.redirect("/orders/o%2Dpage", 303);
      })
      .get("/api/orders", (c) => c.json({ orders: [] }))
      .post("/api/orders/:id/cancel", (c) => c.json({ cancelled: c.req.param("id") }, 202));
    return { a, accepted, shed, ran };
  }

  test("while the saga keeps up, orders are served and the ones accepted are watched", async () => {
    const s = placing(backlog({ lateMs: 100 }));
    expect((await s.a.request("/api/orders", { method: "POST" })).status).toBe(202);
    expect((await s.a.request("/checkout", { method: "POST" })).status).toBe(303);
    expect([s.ran, s.accepted, s.shed]).toEqual([["api", "checkout"], ["o-api", "o-page"], []]);
  });

  test("while it is behind: 503 with Retry-After before the order is read, saying nothing was changed", async () => {
    const s = placing(backlog({ lateMs: 1_500 }));
    const res = await s.a.request("/api/orders", { method: "POST" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    const { error } = await res.json();
    expect(error).toContain("nothing was changed");
    expect(error).toContain("1500 ms");
    const page = await s.a.request("/checkout", { method: "POST", headers: { accept: "text/html" } });
    expect([page.status, page.headers.get("content-type")]).toEqual([503, expect.stringContaining("text/html")]);
    expect([s.ran, s.accepted, s.shed]).toEqual([[], [], ["backlog", "backlog"]]);
  });

  test("only placing an order is shed: reads and other commands on orders pass", async () => {
    const s = placing(backlog({ lateMs: 5_000 }));
    expect((await s.a.request("/api/orders")).status).toBe(200);
    expect((await s.a.request("/api/orders/o-1/cancel", { method: "POST" })).status).toBe(202);
    expect(s.shed).toEqual([]);
  });
});
