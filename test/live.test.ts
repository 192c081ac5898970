/**
 * The live order page end to end: the whole shop in memory behind a real Bun.serve, the
 * SSE stream read over real HTTP with the session cookie, frames parsed here.
 *
 *   place ──> GET /orders/:id/stream ──> id: n / data: <hx-partial>… per status change
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { OrderStatus } from "../actors/contracts/index.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { STATUS_TEXT } from "../views/order/order-status.tsx";
import { startShop, type Shop } from "./kit.ts";

const WAIT_MS = 15_000;
const HAPPY: OrderStatus[] = ["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"];
const DECLINED: OrderStatus[] = ["CREATED", "INVENTORY_RESERVED", "PAYMENT_FAILED"];

let shop: Shop;
let server: Server<undefined>;
const open: Stream[] = [];
beforeAll(async () => {
  // A slow warehouse and slow (but real) simulators keep each order in flight long enough
  // to watch it move: without latency payment is decided before the stream opens.
  const providers = { payment: paymentSimulator({ latencyMs: 250 }), shipping: shippingSimulator({ latencyMs: 100 }) };
  shop = await startShop({ handlingMs: 300, stepTimeoutMs: 5_000 }, providers);
  server = Bun.serve({ port: 0, fetch: shop.app.fetch });
});
afterAll(async () => {
  for (const s of open) s.close();
  await server?.stop(true);
  await shop?.stop();
});

/** One SSE message as a browser's EventSource would dispatch it. */
type SseMessage = { id: string | null; data: string };

/** What one message says: the badge's status and the timeline's entry labels. */
type Update = { id: number; status: OrderStatus; timeline: string[]; timelineHtml: string };

type Stream = { res: Response; next(): Promise<SseMessage>; raw(): string; close(): void };

const cookie = async (customer: string) => ({ cookie: `session=${await shop.token("customer", customer)}` });

/** An SSE line parser: a frame, or a line, may arrive split across any number of chunks. */
function sseParser(onMessage: (m: SseMessage) => void): (text: string) => void {
  let buffer = "";
  let id: string | null = null;
  let data: string[] = [];
  return (text) => {
    buffer += text;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (line === "") {
        if (data.length > 0) onMessage({ id, data: data.join("\n") });
        id = null; // stricter than EventSource: every message must carry its own id
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue; // comment (heartbeat)
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "id") id = value;
    }
  };
}

/** GET `path` over real HTTP; the body is parsed as SSE, each `next()` bounded by WAIT_MS. */
async function openStream(path: string, headers: Record<string, string> = {}): Promise<Stream> {
  const abort = new AbortController();
  const res = await fetch(new URL(path, server.url), { headers, signal: abort.signal });
  // read lazily: a refused stream's body stays readable as text
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const decoder = new TextDecoder();
  const ready: SseMessage[] = [];
  const feed = sseParser((m) => ready.push(m));
  let raw = "";

  async function next(): Promise<SseMessage> {
    const deadline = Date.now() + WAIT_MS;
    while (ready.length === 0) {
      let timer: Timer | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), Math.max(deadline - Date.now(), 0))));
      reader ??= res.body!.getReader();
      const chunk = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
      if (chunk === "timeout") throw new Error(`no SSE message on ${path} within ${WAIT_MS} ms`);
      if (chunk.done) throw new Error(`SSE stream ${path} ended`);
      const text = decoder.decode(chunk.value, { stream: true });
      raw += text;
      feed(text);
    }
    return ready.shift()!;
  }

  const stream = { res, next, raw: () => raw, close: () => abort.abort() };
  open.push(stream);
  return stream;
}

/** The inner HTML of the <hx-partial> aimed at `target`. */
function partial(html: string, target: string): string {
  const found = [...html.matchAll(/<hx-partial hx-target="([^"]*)"[^>]*>([\s\S]*?)<\/hx-partial>/g)]
    .filter((m) => m[1] === target);
  expect(found.length).toBe(1);
  return found[0]![2]!;
}

/** The status a badge shows, from its data-status attribute (parsed, not cast). */
function statusOf(html: string): OrderStatus {
  const attrs = [...html.matchAll(/data-status="([^"]*)"/g)];
  expect(attrs.length).toBe(1);
  return OrderStatus.parse(attrs[0]![1]);
}

const labelsOf = (timelineHtml: string) => [...timelineHtml.matchAll(/<li[^>]*>\s*<strong>([^<]*)<\/strong>/g)].map((m) => m[1]!);

function parseUpdate(m: SseMessage): Update {
  expect(m.id).toMatch(/^\d+$/);
  const timelineHtml = partial(m.data, "#order-timeline");
  const timeline = labelsOf(timelineHtml);
  const update = { id: Number(m.id), status: statusOf(partial(m.data, "#order-status")), timeline, timelineHtml };
  // the event id is the timeline length: that is what Last-Event-ID resumes from
  expect(update.id).toBe(timeline.length);
  return update;
}

/** Read updates until one shows `final`, bounded by WAIT_MS per message. */
async function watchUntil(stream: Stream, final: OrderStatus[]): Promise<Update[]> {
  const seen: Update[] = [];
  for (;;) {
    const update = parseUpdate(await stream.next());
    seen.push(update);
    if (final.includes(update.status)) return seen;
  }
}

/** Every status seen is a step of `lifecycle`, strictly forward, ending at its last step. */
function expectForwardThrough(seen: Update[], lifecycle: OrderStatus[]) {
  const steps = seen.map((u) => lifecycle.indexOf(u.status));
  expect(steps).not.toContain(-1);
  for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThan(steps[i - 1]!);
  expect(seen.at(-1)?.status).toBe(lifecycle.at(-1)!);
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.id).toBeGreaterThan(seen[i - 1]!.id);
}

describe("order stream", () => {
  test("follows a paid order live from placement to SHIPPED", async () => {
    const id = await shop.place("erin", { sku: "AUD-003", card: "tok_visa" });
    const stream = await openStream(`/orders/${id}/stream`, await cookie("erin"));
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get("content-type")).toStartWith("text/event-stream");

    const seen = await watchUntil(stream, ["SHIPPED"]);
    stream.close();
    expectForwardThrough(seen, HAPPY);
    // payment and shipping take over half a second, so updates after the first came live
    expect(seen.length).toBeGreaterThan(2);
    const last = seen.at(-1)!;
    expect(last.id).toBe(4);

    // the same bytes fed one character at a time parse to the same messages
    const whole: SseMessage[] = [];
    const split: SseMessage[] = [];
    sseParser((m) => whole.push(m))(stream.raw());
    const feed = sseParser((m) => split.push(m));
    for (const ch of stream.raw()) feed(ch);
    expect(split.map(parseUpdate)).toEqual(seen);
    expect(split).toEqual(whole);
    expect(last.timeline).toEqual(HAPPY.map((s) => STATUS_TEXT[s].label));
  });

  test("shows a declined card live as PAYMENT_FAILED", async () => {
    const id = await shop.place("erin", { sku: "AUD-003", card: "tok_decline" });
    const stream = await openStream(`/orders/${id}/stream`, await cookie("erin"));
    expect(stream.res.status).toBe(200);

    const seen = await watchUntil(stream, ["PAYMENT_FAILED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
    stream.close();
    expectForwardThrough(seen, DECLINED);
    expect(seen.length).toBeGreaterThan(1); // the decline arrived after the first view
    const last = seen.at(-1)!;
    expect(last.timeline).toEqual(DECLINED.map((s) => STATUS_TEXT[s].label));
    expect(last.timelineHtml).toContain("card declined");
  });

  test("is refused to another customer (404) and to a visitor without a session (401)", async () => {
    const id = await shop.place("erin", { sku: "AUD-003" });
    const other = await openStream(`/orders/${id}/stream`, await cookie("mallory"));
    expect(other.res.status).toBe(404);
    expect(other.res.headers.get("content-type")).not.toContain("text/event-stream");
    expect(await other.res.text()).toContain("Order not found");

    const anonymous = await openStream(`/orders/${id}/stream`);
    expect(anonymous.res.status).toBe(401);
    expect(anonymous.res.headers.get("content-type")).not.toContain("text/event-stream");
    expect(anonymous.res.headers.get("www-authenticate")).toContain("Bearer");
  });
});

describe("order page", () => {
  test("renders the current status and connects to its stream", async () => {
    const id = await shop.place("erin", { sku: "AUD-003" });
    await shop.waitFor(id, ["SHIPPED"]);
    const res = await fetch(new URL(`/orders/${id}`, server.url), { headers: await cookie("erin") });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain(`hx-sse:connect="/orders/${id}/stream"`);
    expect(statusOf(html)).toBe("SHIPPED");
    expect(html).toContain(STATUS_TEXT.SHIPPED.label);
    expect(labelsOf(html)).toEqual(HAPPY.map((s) => STATUS_TEXT[s].label));
  });
});
