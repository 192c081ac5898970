/**
 * `bun run bench:live`: how fast live updates reach open pages and what an open page costs,
 * next to a trivial Bun SSE server holding the same streams on the same machine.
 *
 *   shop:      `bun edge/main.ts` (every role, embedded default, fresh PGlite on disk)
 *   baseline:  a Bun.serve that holds SSE streams and, on POST /publish, enqueues one
 *              encoded message on each                               both separate OS processes
 *   streams:   this process, raw keep-alive sockets (no fetch overhead per stream)
 *
 * Fan-out: --streams (1000,5000,10000) product-page stock streams of one product are opened;
 * each of --rounds orders of that product changes its stock, and every stream's time from
 * the order's POST to the new badge is taken (p50/p99 over all streams and rounds). The
 * baseline's streams are timed from its POST /publish the same way. While it fans out,
 * --getters virtual users load GET / and its p99 is printed. RSS per stream is the server
 * process's resident memory growth from before the streams opened to after all of them
 * have their first message, divided by their number.
 *
 * 10,000 streams need more than 10,000 open files in this process and in the server:
 * the package script raises the soft limit to the hard one (`ulimit -n $(ulimit -Hn)`); run
 * `ulimit -n 65536` (as root, or with a raised hard limit) where the hard limit is lower.
 *
 * Commit -> stream: see commitToStream (--changes status changes, 0 to skip).
 *
 *   --streams 1000,5000,10000  --rounds N (5)  --getters N (4)  --changes N (1000)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { issueToken } from "../edge/auth/auth.ts";
import { freePort, spawnRole, type ShopProcess } from "../test/processes.ts";
import { ADDRESS, pct } from "./load.ts";
import { rssMiB } from "./procs.ts";

const { values: args } = parseArgs({
  options: {
    streams: { type: "string", default: "1000,5000,10000" },
    rounds: { type: "string", default: "5" },
    getters: { type: "string", default: "4" },
    changes: { type: "string", default: "1000" },
  },
});
const COUNTS = args.streams.split(",").map(Number);
const ROUNDS = Number(args.rounds);
const GETTERS = Number(args.getters);
const CHANGES = Number(args.changes);

const SECRET = crypto.randomUUID() + crypto.randomUUID();
const dir = mkdtempSync(join(tmpdir(), "saga-live-"));
const children: ShopProcess[] = [];

/** The baseline: streams held in a Set, one message encoded once and enqueued on each. */
const BASELINE = (port: number) => `
const streams = new Set();
const enc = new TextEncoder();
Bun.serve({ port: ${port}, idleTimeout: 0, fetch(req) {
  const path = new URL(req.url).pathname;
  if (path === "/s") {
    let mine;
    const body = new ReadableStream({
      start(c) { mine = c; streams.add(c); c.enqueue(enc.encode(": connected\\n\\n")); },
      cancel() { streams.delete(mine); },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }
  if (path === "/publish") {
    const msg = enc.encode("data: <p data-stock>changed " + Date.now() + "</p>\\n\\n");
    for (const c of streams) { try { c.enqueue(msg); } catch { streams.delete(c); } }
    return new Response("ok");
  }
  return new Response("ok");
} });`;

async function startBaseline(port: number): Promise<ShopProcess> {
  const proc = Bun.spawn([process.execPath, "-e", BASELINE(port)], { stdout: "ignore", stderr: "inherit" });
  const child: ShopProcess = { name: "baseline", proc, kill: (s = 15) => proc.kill(s), exited: proc.exited };
  children.push(child);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await Bun.sleep(50)) {
    if (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)) return child;
  }
  throw new Error("the baseline server did not start");
}

/** An open SSE stream on a raw socket: how many badge messages it has had, and when each came. */
type Stream = { seen: number; arrivals: number[]; close(): void };

/** Opens `n` streams to `path`, in batches, and resolves once each has had `first` messages. */
async function openStreams(port: number, path: string, n: number, first: number): Promise<Stream[]> {
  const streams: Stream[] = [];
  const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`;
  for (let i = 0; i < n; i += 250) {
    await Promise.all(Array.from({ length: Math.min(250, n - i) }, async () => {
      const stream: Stream = { seen: 0, arrivals: [], close: () => {} };
      let tail = "";
      const socket = await Bun.connect({
        hostname: "127.0.0.1", port,
        socket: {
          data(_s, data) {
            const text = tail + data.toString();
            // the badge marker: once per message on both servers
            const count = text.split("data-stock").length - 1;
            for (let k = 0; k < count; k++) stream.arrivals.push(performance.now());
            stream.seen += count;
            tail = text.slice(-16);
          },
          error() {},
        },
      });
      socket.write(request);
      stream.close = () => socket.end();
      streams.push(stream);
    }));
  }
  await until(() => streams.every((s) => s.seen >= first), 60_000, `${n} streams to open`);
  return streams;
}

async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  for (const deadline = Date.now() + ms; !done(); await Bun.sleep(5)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** GET / in a closed loop by `GETTERS` users until `stop` resolves; the latencies, ms. */
async function getsDuring(base: string, stop: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let running = true;
  void stop.finally(() => (running = false));
  await Promise.all(Array.from({ length: GETTERS }, async () => {
    while (running) {
      const t = performance.now();
      const res = await fetch(`${base}/`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`GET / during the fan-out: HTTP ${res.status}`);
      times.push(performance.now() - t);
    }
  }));
  return times;
}

/**
 * The server's RSS once it has stopped shrinking (two readings a second apart within 1 MiB,
 * 15 s at most): a collection of earlier garbage while the streams open would otherwise be
 * taken for memory the streams gave back.
 */
async function settledRss(pid: number): Promise<number> {
  let last = rssMiB(pid) ?? NaN;
  for (let i = 0; i < 15; i++) {
    await Bun.sleep(1000);
    const now = rssMiB(pid) ?? NaN;
    if (Math.abs(now - last) < 1) return now;
    last = now;
  }
  return last;
}

/** From the change's POST to each stream (p50, p99), from the first stream to each (spreadP99), ms. */
type Figures = { p50: number; p99: number; spreadP50: number; spreadP99: number; getP99: number; kibPerStream: number };

/** Opens `n` streams, changes what they show `ROUNDS` times with `change`, and times each stream. */
async function fanOut(server: ShopProcess, port: number, path: string, n: number, first: number, change: () => Promise<void>): Promise<Figures> {
  const before = await settledRss(server.proc.pid);
  const streams = await openStreams(port, path, n, first);
  await Bun.sleep(500);
  const after = rssMiB(server.proc.pid) ?? NaN;
  const latencies: number[] = [];
  const spreads: number[] = [];
  const gets: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const target = streams.map((s) => s.seen + 1);
      const t0 = performance.now();
      const arrived = until(() => streams.every((s, i) => s.seen >= target[i]!), 30_000, `round ${round} at ${n} streams`);
      const [, got] = await Promise.all([change().then(() => arrived), getsDuring(`http://127.0.0.1:${port}`, arrived.catch(() => {}))]);
      const times = streams.map((s, i) => s.arrivals[target[i]! - 1]! - t0);
      const first = Math.min(...times);
      for (const t of times) {
        latencies.push(t);
        spreads.push(t - first);
      }
      gets.push(...got);
      await Bun.sleep(1000); // the saga's later steps settle
    }
  } finally {
    for (const s of streams) s.close();
  }
  await Bun.sleep(1000);
  for (const xs of [latencies, spreads, gets]) xs.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), spreadP50: pct(spreads, 50), spreadP99: pct(spreads, 99), getP99: pct(gets, 99), kibPerStream: ((after - before) * 1024) / n };
}

/** An SSE stream on a raw socket that hands each message's data to `message` with the time it came (Date.now). */
async function sseSocket(port: number, path: string, cookie: string, message: (data: string, at: number) => void): Promise<() => void> {
  let buffer = "";
  let headers = true;
  const socket = await Bun.connect({
    hostname: "127.0.0.1", port,
    socket: {
      data(_s, chunk) {
        const at = Date.now();
        buffer += chunk.toString();
        if (headers) {
          const end = buffer.indexOf("\r\n\r\n");
          if (end < 0) return;
          if (!buffer.startsWith("HTTP/1.1 200")) throw new Error(`${path}: ${buffer.slice(0, buffer.indexOf("\r\n"))}`);
          buffer = buffer.slice(end + 4);
          headers = false;
        }
        // chunked transfer: the chunk sizes sit between frames and are skipped with the comments
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (data) message(data, at);
        }
      },
      error() {},
    },
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nCookie: session=${cookie}\r\n\r\n`);
  return () => socket.end();
}

const History = z.object({ timeline: z.array(z.object({ status: z.string(), at: z.string() })) });

/**
 * Commit -> stream over `changes` order status changes: each order placed gets its
 * customer's order stream; one admin follows the orders table and one the dashboard. A
 * change's commit time is its timeline entry's (read from the API afterwards); it reaches
 * the customer with the first message holding that entry, the table with the first row
 * showing that status, the dashboard with its first message after the commit.
 */
async function commitToStream(port: number, skus: string[], customerToken: string, adminToken: string, changes: number, place: (sku: string) => Promise<string>) {
  const base = `http://127.0.0.1:${port}`;
  const seenByCustomer = new Map<string, number>(); // `${orderId} ${at}` -> first arrival
  const seenByTable = new Map<string, number>(); // `${orderId} ${status}` -> first arrival
  const dashboard: number[] = [];
  const closers = [
    await sseSocket(port, "/admin/orders/stream", adminToken, (data, at) => {
      for (const m of data.matchAll(/<tr id="order-([^"]+)" class="order-row[^"]*" data-status="([^"]+)"/g)) {
        const key = `${m[1]} ${m[2]}`;
        if (!seenByTable.has(key)) seenByTable.set(key, at);
      }
    }),
    await sseSocket(port, "/admin/stream", adminToken, (_data, at) => void dashboard.push(at)),
  ];
  const orders: { id: string; opened: number }[] = [];
  let next = 0;
  let counted = 0; // changes committed after their order's stream opened
  try {
    while (counted < changes) {
      const batch = await Promise.all(Array.from({ length: 10 }, async () => {
        const id = await place(skus[next++ % skus.length]!);
        const opened = Date.now();
        closers.push(await sseSocket(port, `/orders/${id}/stream`, customerToken, (data, at) => {
          for (const m of data.matchAll(/datetime="([^"]+)"/g)) {
            const key = `${id} ${m[1]}`;
            if (seenByCustomer.has(key)) continue;
            seenByCustomer.set(key, at);
            if (Date.parse(m[1]!) >= opened) counted++;
          }
        }));
        return { id, opened };
      }));
      orders.push(...batch);
      await Bun.sleep(200);
    }
    await Bun.sleep(3000); // the last sagas finish and their messages arrive
  } finally {
    for (const close of closers) close();
  }
  const customer: number[] = [];
  const table: number[] = [];
  const dash: number[] = [];
  let missing = 0;
  for (const { id, opened } of orders) {
    const res = await fetch(`${base}/api/orders/${id}`, { headers: { authorization: `Bearer ${customerToken}` } });
    for (const entry of History.parse(await res.json()).timeline) {
      const at = Date.parse(entry.at);
      if (at < opened) continue; // committed before its stream opened: the page load shows it
      const c = seenByCustomer.get(`${id} ${entry.at}`);
      const t = seenByTable.get(`${id} ${entry.status}`);
      const d = dashboard.find((x) => x >= at);
      if (c === undefined || d === undefined) missing++;
      if (c !== undefined) customer.push(c - at);
      if (t !== undefined) table.push(t - at); // a status the table coalesced away is not counted
      if (d !== undefined) dash.push(d - at);
    }
  }
  for (const xs of [customer, table, dash]) xs.sort((a, b) => a - b);
  console.log(`commit -> stream over ${customer.length} order status changes of ${orders.length} orders (${missing} not seen)`);
  for (const [name, xs] of [["customer's order stream", customer], ["admin orders table stream", table], ["admin dashboard stream", dash]] as const) {
    console.log(`  ${name.padEnd(26)} p50 ${ms(pct(xs, 50))}  p99 ${ms(pct(xs, 99))}  (${xs.length} changes)`);
  }
  console.log("");
}

const Products = z.object({ products: z.array(z.object({ sku: z.string(), available: z.number() })) });
const Placed = z.object({ orderId: z.string() });
const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;

async function main() {
  const shopPort = await freePort();
  const basePort = await freePort();
  const shop = await spawnRole("bench-live-shop", "edge,actors,relay", {
    DATA_DIR: join(dir, "pg"), JWT_SECRET: SECRET, HANDLING_TIME_MS: "0", SEED_CATALOG: "true",
  }, shopPort);
  children.push(shop);
  const baseline = await startBaseline(basePort);
  const base = `http://127.0.0.1:${shopPort}`;

  const { products } = Products.parse(await fetch(`${base}/api/products?limit=100`).then((r) => r.json()));
  const product = products.toSorted((a, b) => b.available - a.available)[0];
  if (!product || product.available < COUNTS.length * ROUNDS + 1) throw new Error("no product has enough stock for the rounds");
  const token = await issueToken(SECRET, { sub: "live-bench", role: "customer" }, 3600);
  const adminToken = await issueToken(SECRET, { sub: "live-bench-admin", role: "admin" }, 3600);
  let placed = 0;
  const place = async (sku: string) => {
    const res = await fetch(`${base}/api/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `live-bench-${placed++}` },
      body: JSON.stringify({ items: [{ sku, qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" }),
    });
    if (res.status !== 202) throw new Error(`placing an order: HTTP ${res.status} ${await res.text()}`);
    return Placed.parse(await res.json()).orderId;
  };
  const order = async () => void await place(product.sku);
  if (CHANGES > 0) {
    const others = products.filter((p) => p.sku !== product.sku && p.available > 0).map((p) => p.sku);
    if (others.length === 0) throw new Error("no second product in stock for the status changes");
    await commitToStream(shopPort, others, token, adminToken, CHANGES, place);
  }
  const publish = async () => {
    const res = await fetch(`http://127.0.0.1:${basePort}/publish`, { method: "POST" });
    if (!res.ok) throw new Error(`baseline publish: HTTP ${res.status}`);
  };

  console.log(`fan-out of a stock change to N product-page streams (${ROUNDS} rounds each; shop timed from the order's POST, baseline from its publish)`);
  console.log(`(fan-out: from the first stream to have it to each; GET / p99 by ${GETTERS} users while it runs; RSS growth per open stream)`);
  console.log(`${"streams".padEnd(8)} ${"server".padEnd(9)} ${"POST->p50".padStart(9)} ${"POST->p99".padStart(9)} ${"fan p50".padStart(8)} ${"fan p99".padStart(8)} ${"GET / p99".padStart(10)} ${"RSS/stream".padStart(11)}`);
  for (const n of COUNTS) {
    const rows: [string, Figures][] = [
      ["shop", await fanOut(shop, shopPort, `/p/${product.sku}/stream?buy=yes`, n, 1, order)],
      ["baseline", await fanOut(baseline, basePort, "/s", n, 0, publish)],
    ];
    for (const [name, f] of rows) {
      console.log(`${String(n).padEnd(8)} ${name.padEnd(9)} ${ms(f.p50).padStart(9)} ${ms(f.p99).padStart(9)} ${ms(f.spreadP50)} ${ms(f.spreadP99)} ${ms(f.getP99).padStart(10)} ${`${f.kibPerStream.toFixed(1)} KiB`.padStart(11)}`);
    }
  }
}

const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(", ")}`;
try {
  console.log(`at the start: ${load()}`);
  await main();
  console.log(`at the end: ${load()}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill();
  await Promise.all(children.map((c) => c.exited));
  rmSync(dir, { recursive: true, force: true });
}
