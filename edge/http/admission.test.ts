import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { AuthEnv } from "../auth/auth.ts";
import { admission, Turns, type Shed } from "./admission.ts";

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
