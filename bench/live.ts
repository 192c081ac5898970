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
 *   --streams 1000,5000,10000  --rounds N (5)  --getters N (4)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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
  },
});
const COUNTS = args.streams.split(",").map(Number);
const ROUNDS = Number(args.rounds);
const GETTERS = Number(args.getters);

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

/** From the change's POST to each stream (p50, p99), from the first stream to each (spreadP99), ms. */
type Figures = { p50: number; p99: number; spreadP50: number; spreadP99: number; getP99: number; kibPerStream: number };

/** Opens `n` streams, changes what they show `ROUNDS` times with `change`, and times each stream. */
async function fanOut(server: ShopProcess, port: number, path: string, n: number, first: number, change: () => Promise<void>): Promise<Figures> {
  const before = rssMiB(server.proc.pid) ?? NaN;
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

const Products = z.object({ products: z.array(z.object({ sku: z.string(), available: z.number() })) });
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
  let placed = 0;
  const order = async () => {
    const res = await fetch(`${base}/api/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `live-bench-${placed++}` },
      body: JSON.stringify({ items: [{ sku: product.sku, qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" }),
    });
    if (res.status !== 202) throw new Error(`placing an order: HTTP ${res.status} ${await res.text()}`);
  };
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

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill();
  await Promise.all(children.map((c) => c.exited));
  rmSync(dir, { recursive: true, force: true });
}
