import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { OrderView } from "../../actors/projector.ts";
import { memoryPubSub } from "../../actors/runtime/pubsub.ts";
import { subjects } from "../../actors/contracts/subjects.ts";
import { countingPubSub, sseReader } from "../../test/sse.ts";
import { advanced, placedOrder } from "../../views/test-fixtures.ts";
import { authenticate, issueToken, type AuthEnv, type User } from "../auth/auth.ts";
import { pageShell } from "../http/shell.ts";
import { orderPages } from "./order-page.tsx";

const SECRET = "test-secret-test-secret-test-secret";
const alice: User = { sub: "alice", role: "customer" };
const bob: User = { sub: "bob", role: "customer" };
const admin: User = { sub: "root", role: "admin" };

let orders: Map<string, OrderView>;
let pubsub: ReturnType<typeof countingPubSub>; // counts live subscriptions, to see streams let go
let app: Hono<AuthEnv>;

beforeEach(() => {
  const sneaky = placedOrder("o-2", "alice");
  sneaky.items = [{ sku: "X", name: "<script>alert('name')</script>", qty: 1, unitPrice: 100 }];
  orders = new Map([
    ["o-1", placedOrder("o-1", "alice")],
    ["o-2", advanced(sneaky, "PAYMENT_FAILED", "<script>alert('reason')</script>")],
    ["o-3", placedOrder("o-3", "bob")],
  ]);
  pubsub = countingPubSub(memoryPubSub());
  app = new Hono<AuthEnv>()
    .use(authenticate(SECRET))
    .use(pageShell({ cartCount: async () => 2 }))
    .route("/", orderPages({ loadOrder: async (id) => orders.get(id) ?? null, pubsub, heartbeatMs: 50 }));
});

const as = async (user: User, headers: Record<string, string> = {}) => ({
  ...headers,
  cookie: `session=${await issueToken(SECRET, user)}`,
});

/** The projector's step: store the new view, then publish it. */
function commit(view: OrderView) {
  orders.set(view.orderId, view);
  pubsub.publish(subjects.order(view.orderId), view);
}

describe("GET /orders/:id", () => {
  test("renders the status and the timeline", async () => {
    const res = await app.request("/orders/o-1", { headers: await as(alice) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/html");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<div id="order-status" class="status" role="status">');
    expect(html).toContain("Order received");
    expect(html).toContain("order placed");
    expect(html).toContain('hx-sse:connect="/orders/o-1/stream"');
  });

  test("escapes a product name and a reason that hold <script>", async () => {
    const html = await (await app.request("/orders/o-2", { headers: await as(alice) })).text();
    expect(html).toContain("&lt;script>alert('name')&lt;/script>");
    expect(html).toContain("&lt;script>alert('reason')&lt;/script>");
    expect(html).not.toContain("<script>alert");
  });

  test("in the shop's usual header (search, cart, account, currency), with a way back to the order list", async () => {
    const html = await (await app.request("/orders/o-1", { headers: await as(alice) })).text();
    expect(html).toContain('<form method="get" action="/search" role="search"');
    expect(html).toMatch(/<a href="\/cart">Cart <span id="cart-count"[^>]*>.*2<\/span>/);
    expect(html).toContain('<a href="/orders">My orders</a>');
    expect(html).toContain('<select id="currency-select" name="code">');
    expect(html).toContain('<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/orders">My orders</a>');
  });

  test("a visitor who is not signed in is sent to sign in and back to the order", async () => {
    const res = await app.request("/orders/o-1");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Forders%2Fo-1");
  });

  test("404 for another customer's order and for an unknown id alike, in the usual header", async () => {
    for (const path of ["/orders/o-3", "/orders/nope"]) {
      const res = await app.request(path, { headers: await as(alice) });
      expect(res.status).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      expect(html).toContain("Order not found");
      expect(html).toContain('role="search"');
    }
  });

  test("owners see their own order, admins every order", async () => {
    expect((await app.request("/orders/o-3", { headers: await as(admin) })).status).toBe(200);
    expect((await app.request("/orders/o-3", { headers: await as(bob) })).status).toBe(200);
  });
});

const statusOf = (frame: { data: string }) => /data-status="([A-Z_]+)"/.exec(frame.data)?.[1];

describe("GET /orders/:id/stream", () => {
  let open: ReturnType<typeof sseReader>[] = [];
  const connect = async (user: User, headers: Record<string, string> = {}, signal?: AbortSignal, id = "o-1") => {
    const res = await app.request(`/orders/${id}/stream`, { headers: await as(user, headers), signal });
    const sse = sseReader(res);
    open.push(sse);
    return { res, sse };
  };
  afterEach(async () => {
    await Promise.all(open.map((s) => s.cancel()));
    open = [];
  });

  test("sends the current view, then each published update in order with growing ids", async () => {
    const { res, sse } = await connect(alice);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");

    const first = await sse.message();
    expect(first.id).toBe("1");
    expect(statusOf(first)).toBe("CREATED");
    expect(first.data).toStartWith('<hx-partial hx-target="#order-status" hx-swap="outerMorph">');
    expect(first.data).toContain('<hx-partial hx-target="#order-timeline" hx-swap="outerMorph">');

    const v2 = advanced(orders.get("o-1")!, "INVENTORY_RESERVED", "stock held");
    const v3 = advanced(v2, "PAYMENT_AUTHORIZED", "card ok");
    const v4 = advanced(v3, "PROCESSING", "packing");
    for (const v of [v2, v3, v4]) commit(v);
    commit(v3); // a redelivered, older view is not sent again

    const updates = [await sse.message(), await sse.message(), await sse.message()];
    expect(updates.map((f) => f.id)).toEqual(["2", "3", "4"]);
    expect(updates.map(statusOf)).toEqual(["INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "PROCESSING"]);
    expect(updates[2]!.data).toContain("packing");

    commit(advanced(v4, "SHIPPED", "on the truck"));
    expect((await sse.message()).id).toBe("5");
  });

  test("an update committed while the stream loads the order is not lost", async () => {
    const racy = new Hono<AuthEnv>().use(authenticate(SECRET)).route("/", orderPages({
      pubsub,
      async loadOrder(id) {
        const snapshot = orders.get(id) ?? null; // read, then a commit lands before we answer
        if (snapshot) commit(advanced(snapshot, "INVENTORY_RESERVED", "stock held"));
        return snapshot;
      },
    }));
    const sse = sseReader(await racy.request("/orders/o-1/stream", { headers: await as(alice) }));
    open.push(sse);
    expect([(await sse.message()).id, (await sse.message()).id]).toEqual(["1", "2"]);
  });

  test("a reconnect with Last-Event-ID gets only what is newer", async () => {
    commit(advanced(orders.get("o-1")!, "INVENTORY_RESERVED", "stock held"));
    const { sse } = await connect(alice, { "Last-Event-ID": "2" });
    commit(advanced(orders.get("o-1")!, "PAYMENT_AUTHORIZED", "card ok"));
    const next = await sse.message();
    expect(next.id).toBe("3"); // the current view (2) was not replayed
    expect(statusOf(next)).toBe("PAYMENT_AUTHORIZED");

    const { sse: behind } = await connect(alice, { "Last-Event-ID": "1" });
    expect((await behind.message()).id).toBe("3"); // missed 2 and 3: the latest view covers both
  });

  test("escapes in the stream as on the page", async () => {
    const { sse } = await connect(alice, {}, undefined, "o-2");
    const { data } = await sse.message();
    expect(data).toContain("&lt;script>alert('reason')&lt;/script>");
    expect(data).not.toContain("<script>");
  });

  test("an id the server never issued gets the current view", async () => {
    const { sse } = await connect(alice, { "Last-Event-ID": "99" });
    expect((await sse.message()).id).toBe("1");
  });

  test("sends comment heartbeats while nothing happens", async () => {
    const { sse } = await connect(alice);
    await sse.message();
    expect(await sse.next()).toEqual({ data: "", comment: "keep-alive" });
  });

  test("lets go of the subscription when the client aborts or stops reading", async () => {
    const abort = new AbortController();
    const { sse } = await connect(alice, {}, abort.signal);
    await sse.message();
    expect(pubsub.live).toBe(1);
    abort.abort();
    expect(pubsub.live).toBe(0);

    const { sse: other } = await connect(alice);
    await other.message();
    expect(pubsub.live).toBe(1);
    await other.cancel();
    expect(pubsub.live).toBe(0);
  });

  test("a guest gets 401 (a stream cannot follow a redirect to sign in), others 404, admins are allowed", async () => {
    expect((await app.request("/orders/o-1/stream")).status).toBe(401);
    const other = await app.request("/orders/o-1/stream", { headers: await as(bob) });
    expect(other.status).toBe(404);
    expect(other.headers.get("content-type")).toStartWith("text/html");
    expect(pubsub.live).toBe(0);
    const { res } = await connect(admin);
    expect(res.status).toBe(200);
  });
});

describe("under a real Bun server", () => {
  test("the stream outlives Bun's idle timeout and is released when the client disconnects", async () => {
    // heartbeat far above idleTimeout: only server.timeout(req, 0) can keep this stream open
    const quiet = new Hono<AuthEnv>()
      .use(authenticate(SECRET))
      .route("/", orderPages({ loadOrder: async (id) => orders.get(id) ?? null, pubsub, heartbeatMs: 60_000 }));
    const server = Bun.serve({ port: 0, idleTimeout: 1, fetch: quiet.fetch });
    const abort = new AbortController();
    try {
      const res = await fetch(new URL("/orders/o-1/stream", server.url), { headers: await as(alice), signal: abort.signal });
      const sse = sseReader(res);
      expect((await sse.message()).id).toBe("1");
      await Bun.sleep(5_000); // Bun checks idle sockets every 4 s: a quiet stream dies at ~4 s here
      commit(advanced(orders.get("o-1")!, "INVENTORY_RESERVED", "stock held"));
      expect((await sse.message()).id).toBe("2");

      abort.abort();
      for (let i = 0; i < 50 && pubsub.live > 0; i++) await Bun.sleep(20);
      expect(pubsub.live).toBe(0);
    } finally {
      abort.abort();
      await server.stop(true);
    }
  }, 15_000);
});
