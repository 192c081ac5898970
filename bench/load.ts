/**
 * The load generator both saga benches share: places orders through the HTTP API (open loop
 * at a fixed rate, or closed loop with a fixed number in flight), spread round-robin over
 * one or more edges, and times each order from its POST to the first final status seen on
 * the live feed. The caller wires the feed: `onView` takes each OrderView published on
 * `orders.all` (in-process pub/sub for the embedded shop, NATS for the distributed one).
 *
 * A 503 is a client's cue, as the README asks: the order is sent again with the same
 * Idempotency-Key after its Retry-After, until it is accepted or the client gives up.
 */

export const FINAL = new Set(["SHIPPED", "INVENTORY_FAILED", "PAYMENT_FAILED", "SHIPPING_FAILED"]);

/** What the load generator reads of a view: status and, for the time breakdown, the timeline. */
export type ViewLike = { orderId: string; status: string; timeline?: { status: string; at: string }[] };

export type LoadOptions = {
  /** edge base URLs; request i goes to bases[i % bases.length] */
  bases: string[];
  tokens: string[];
  skus: string[];
  /** orders offered per second (open loop); 0 = closed loop with `concurrency` in flight */
  rate: number;
  durationS: number;
  /** closed loop only */
  orders: number;
  concurrency: number;
  /** idempotency keys are `${keyPrefix}${i}` */
  keyPrefix?: string;
  /** how long to wait for final statuses once every POST has been answered */
  drainMs?: number;
  /** open loop in steps: each phase's rate for its seconds, one after another (instead of `rate` for `durationS`) */
  phases?: { rate: number; durationS: number }[];
  /** the lines of order i (default: two lines spread over `skus`) */
  items?(i: number): { sku: string; qty: number }[];
  /** a client sends a shed order again (after Retry-After) until this long after its first try (60 s) */
  giveUpMs?: number;
};

export type Completion = {
  orderId: string;
  status: string;
  /** the open-loop phase the order was offered in (0 without phases) */
  phase: number;
  /** performance.now() when the order's first POST was sent (earlier than postStart when it was shed) */
  firstTry: number;
  /** POSTs sent for it: 1, or more after 503s */
  tries: number;
  /** performance.now() when the POST that was accepted was sent, answered, and when the final status arrived */
  postStart: number;
  postEnd: number;
  final: number;
  view: ViewLike;
};

export type LoadResult = {
  /** orders offered (one Idempotency-Key each) */
  placed: number;
  /** orders answered with neither 202 nor 503, or not at all */
  errors: number;
  /** orders accepted (a 202), at the first try or after being shed */
  accepted: number;
  /** 503 answers (each one a try sent again after Retry-After, or the last before giving up) */
  shed: number;
  /** orders whose client gave up after 503s (never accepted; nothing to finish) */
  gaveUp: number;
  /** ms after t0 of each 503 answer, and the phase of its order */
  shedAt: { at: number; phase: number }[];
  /** ids of the orders accepted, one per key */
  acceptedIds: string[];
  finished: number;
  /** performance.now() when the first request was due */
  t0: number;
  /** seconds from t0 until every order finished (or the drain timed out) */
  elapsedS: number;
  /** seconds from t0 until the last POST was sent */
  sendS: number;
  /** how late the open-loop sender was against its schedule, ms (max, and for the last request) */
  maxSendLagMs: number;
  /** end-to-end latencies (POST sent to final status), ms, sorted */
  latencies: number[];
  /** POST round trips of accepted orders, ms, sorted */
  postLatencies: number[];
  completions: Completion[];
  /** a few distinct error descriptions (status and body, or the exception) */
  errorSamples: Map<string, number>;
};

/** The p-th percentile of sorted `xs` (nearest rank, as the embedded bench always printed it). */
export const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

export const ADDRESS = { name: "Bench", line1: "1 Load St", city: "Perf", postalCode: "12345", country: "US" };

type Times = { phase: number; firstTry: number; tries: number; postStart: number; postEnd: number };

export function createLoad(opts: LoadOptions) {
  const prefix = opts.keyPrefix ?? "bench-";
  const phases = opts.phases ?? (opts.rate > 0 ? [{ rate: opts.rate, durationS: opts.durationS }] : []);
  const inflight = new Map<string, Times>();
  // A final status can beat the POST's answer to this process when the CPU is saturated.
  const early = new Map<string, { at: number; view: ViewLike }>();
  const completions: Completion[] = [];
  const postLatencies: number[] = [];
  const errorSamples = new Map<string, number>();
  let finished = 0;
  let placedTarget = Infinity;
  let allDone: () => void = () => {};
  let running = false;
  let closed = false;

  const complete = (orderId: string, times: Times, view: ViewLike, at: number) => {
    inflight.delete(orderId);
    completions.push({ orderId, status: view.status, ...times, final: at, view });
    if (++finished === placedTarget) allDone();
  };

  /** Feed every OrderView published on `orders.all` here. */
  function onView(data: unknown) {
    const v = data as ViewLike;
    if (closed || !v || !FINAL.has(v.status)) return;
    const at = performance.now();
    const times = inflight.get(v.orderId);
    if (times) complete(v.orderId, times, v, at);
    else if (running && !early.has(v.orderId)) early.set(v.orderId, { at, view: v });
  }

  const noteError = (what: string) => errorSamples.set(what, (errorSamples.get(what) ?? 0) + 1);

  let errors = 0;
  let placed = 0;
  let accepted = 0;
  let shed = 0;
  let gaveUp = 0;
  let t0 = 0;
  const shedAt: { at: number; phase: number }[] = [];
  const acceptedIds: string[] = [];
  const items = opts.items ?? ((i: number) => [
    { sku: opts.skus[i % opts.skus.length]!, qty: 1 }, { sku: opts.skus[(i * 7 + 3) % opts.skus.length]!, qty: 2 },
  ]);
  const giveUpMs = opts.giveUpMs ?? 60_000;

  async function placeOne(i: number, phase: number) {
    const firstTry = performance.now();
    const body = JSON.stringify({ items: items(i), shippingAddress: ADDRESS, paymentToken: "tok_visa" });
    for (let tries = 1; ; tries++) {
      const postStart = performance.now();
      let res: Response;
      try {
        res = await fetch(`${opts.bases[i % opts.bases.length]}/api/orders`, {
          method: "POST",
          headers: { authorization: `Bearer ${opts.tokens[i % opts.tokens.length]}`, "content-type": "application/json", "idempotency-key": `${prefix}${i}` },
          body,
        });
      } catch (err) {
        errors++;
        noteError(`fetch failed: ${err instanceof Error ? err.message : err}`);
        return;
      }
      if (res.status === 503) {
        shed++;
        shedAt.push({ at: performance.now() - t0, phase });
        const wait = 1000 * (Number(res.headers.get("retry-after")) || 1);
        await res.arrayBuffer();
        if (performance.now() + wait - firstTry > giveUpMs) {
          gaveUp++;
          return;
        }
        await Bun.sleep(wait);
        continue;
      }
      if (res.status !== 202) {
        errors++;
        noteError(`HTTP ${res.status}: ${(await res.text().catch(() => "")).slice(0, 120)}`);
        return;
      }
      const { orderId } = (await res.json()) as { orderId: string };
      accepted++;
      acceptedIds.push(orderId);
      const times = { phase, firstTry, tries, postStart, postEnd: performance.now() };
      postLatencies.push(times.postEnd - postStart);
      const seen = early.get(orderId);
      if (seen) {
        early.delete(orderId);
        complete(orderId, times, seen.view, seen.at);
      } else {
        inflight.set(orderId, times);
      }
      return;
    }
  }

  async function run(): Promise<LoadResult> {
    running = true;
    const done = new Promise<void>((r) => (allDone = r));
    t0 = performance.now();
    let maxSendLagMs = 0;
    let sendS = 0;
    if (phases.length > 0) {
      const pending: Promise<void>[] = [];
      let i = 0;
      let start = t0;
      for (const [phase, { rate, durationS }] of phases.entries()) {
        const total = Math.round(rate * durationS);
        for (let k = 0; k < total; k++, i++) {
          const due = start + (k * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 1) await Bun.sleep(wait);
          maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
          pending.push(placeOne(i, phase));
          placed++;
        }
        start += durationS * 1000;
      }
      sendS = (performance.now() - t0) / 1000;
      await Promise.all(pending);
    } else {
      const total = opts.orders;
      let next = 0;
      await Promise.all(Array.from({ length: opts.concurrency }, async () => {
        while (next < total) {
          const i = next++;
          await placeOne(i, 0);
          placed++;
        }
      }));
      sendS = (performance.now() - t0) / 1000;
    }
    placedTarget = accepted;
    if (finished >= placedTarget) allDone();
    let timer: Timer | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, opts.drainMs ?? 120_000)))]);
    clearTimeout(timer);
    const elapsedS = (performance.now() - t0) / 1000;
    running = false;
    closed = true; // what arrives after the drain is not counted (the report must add up)
    early.clear();
    const latencies = completions.map((c) => c.final - c.postStart).sort((a, b) => a - b);
    return {
      placed, errors, accepted, shed, gaveUp, shedAt, acceptedIds, finished, t0, elapsedS, sendS, maxSendLagMs, latencies,
      postLatencies: postLatencies.sort((a, b) => a - b), completions, errorSamples,
    };
  }

  return {
    onView,
    run,
    /** live counters, for progress lines while the load runs */
    progress: () => ({ placed, errors, accepted, shed, finished, inflight: inflight.size }),
  };
}
