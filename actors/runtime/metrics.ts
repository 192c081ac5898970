/**
 * A small Prometheus registry: counters, gauges and histograms rendered in the text
 * exposition format 0.0.4. Values live in this process; a gauge may also `collect` its
 * samples at scrape time (a lag or a backlog is read where it is true, not kept in sync).
 * A collector that fails or hangs costs its own samples only: the scrape renders a comment
 * in their place and goes on.
 */
import type { BatchHandler } from "./bus.ts";
import { deadline } from "./deadline.ts";

export type LabelValues<L extends string> = { readonly [K in L]: string | number };
export type Sample<L extends string> = { labels: LabelValues<L>; value: number };
/** What a collector returns: samples, or for a gauge without labels just its value. */
export type Collected<L extends string> = [L] extends [never] ? number | Sample<L>[] : Sample<L>[];

export interface Counter<L extends string = never> {
  inc(labels: LabelValues<L>, by?: number): void;
}
export interface Gauge<L extends string = never> {
  set(labels: LabelValues<L>, value: number): void;
  inc(labels: LabelValues<L>, by?: number): void;
  dec(labels: LabelValues<L>, by?: number): void;
  /** Compute samples at each scrape; they win over `set` values with the same labels. */
  collect(fn: () => Collected<L> | Promise<Collected<L>>): void;
}
export interface Histogram<L extends string = never> {
  observe(labels: LabelValues<L>, value: number): void;
}
export interface Registry {
  counter<const L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<const L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<const L extends string = never>(
    name: string, help: string, labelNames?: readonly L[], buckets?: readonly number[],
  ): Histogram<L>;
  /** The exposition text of every metric, collectors awaited (in parallel). */
  render(): Promise<string>;
}

/** Seconds, from a fast local step to a provider at its timeout. */
export const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
/** Messages per batch, up to the embedded log's largest batch. */
export const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000] as const;

type Family = { name: string; help: string; type: "counter" | "gauge" | "histogram"; lines(): Promise<string[]> };
type Series = { values: string[]; value: number };
type Buckets = { values: string[]; counts: number[]; sum: number; count: number };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A new, empty registry; `collectTimeoutMs` bounds each collector at scrape time. */
export function registry(opts: { collectTimeoutMs?: number } = {}): Registry {
  const collectTimeoutMs = opts.collectTimeoutMs ?? 2000;
  const families: Family[] = [];

  function add(f: Family, labelNames: readonly string[]) {
    if (!METRIC_NAME.test(f.name)) throw new Error(`bad metric name ${f.name}`);
    if (families.some((x) => x.name === f.name)) throw new Error(`metric ${f.name} registered twice`);
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith("__")) throw new Error(`bad label name ${l} on ${f.name}`);
      if (f.type === "histogram" && l === "le") throw new Error(`histogram ${f.name} cannot have a label "le"`);
    }
    if (new Set(labelNames).size !== labelNames.length) throw new Error(`duplicate label name on ${f.name}`);
    families.push(f);
  }

  function scalar(name: string, help: string, type: "counter" | "gauge", labelNames: readonly string[]) {
    const series = new Map<string, Series>();
    const collectors: (() => unknown)[] = [];
    const bump = (labels: Record<string, string | number>, by: number) => {
      const values = valuesOf(name, labelNames, labels);
      const key = JSON.stringify(values);
      const s = series.get(key);
      if (s) s.value += by;
      else series.set(key, { values, value: by });
    };
    add({
      name, help, type,
      async lines() {
        const out = new Map(series);
        const comments: string[] = [];
        await Promise.all(collectors.map(async (fn) => {
          try {
            const got = await deadline(Promise.resolve().then(fn), collectTimeoutMs, "collector");
            for (const s of typeof got === "number" ? [{ labels: {}, value: got }] : samplesOf(got)) {
              const values = valuesOf(name, labelNames, s.labels);
              out.set(JSON.stringify(values), { values, value: s.value });
            }
          } catch (err) {
            comments.push(`# collect failed for ${name}: ${oneLine(err instanceof Error ? err.message : String(err))}`);
          }
        }));
        return [...comments, ...[...out.values()].map((s) => `${name}${labelText(labelNames, s.values)} ${num(s.value)}`)];
      },
    }, labelNames);
    return { bump, series, collectors };
  }

  return {
    counter(name, help, labelNames = []) {
      const c = scalar(name, help, "counter", labelNames);
      return {
        inc(labels, by = 1) {
          if (!(by >= 0)) throw new Error(`counter ${name} can only go up, not by ${by}`);
          c.bump(labels, by);
        },
      };
    },
    gauge(name, help, labelNames = []) {
      const g = scalar(name, help, "gauge", labelNames);
      return {
        set(labels, value) {
          const values = valuesOf(name, labelNames, labels);
          g.series.set(JSON.stringify(values), { values, value });
        },
        inc: (labels, by = 1) => g.bump(labels, by),
        dec: (labels, by = 1) => g.bump(labels, -by),
        collect: (fn) => void g.collectors.push(fn),
      };
    },
    histogram(name, help, labelNames = [], buckets = STEP_BUCKETS) {
      const bounds = buckets.filter((b) => b !== Infinity);
      if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!))) {
        throw new Error(`histogram ${name} needs finite, increasing buckets`);
      }
      const series = new Map<string, Buckets>();
      add({
        name, help, type: "histogram",
        async lines() {
          return [...series.values()].flatMap((s) => {
            let running = 0;
            const rows = bounds.map((b, i) => {
              running += s.counts[i]!;
              return `${name}_bucket${labelText([...labelNames, "le"], [...s.values, num(b)])} ${running}`;
            });
            rows.push(`${name}_bucket${labelText([...labelNames, "le"], [...s.values, "+Inf"])} ${s.count}`);
            rows.push(`${name}_sum${labelText(labelNames, s.values)} ${num(s.sum)}`);
            rows.push(`${name}_count${labelText(labelNames, s.values)} ${s.count}`);
            return rows;
          });
        },
      }, labelNames);
      return {
        observe(labels, value) {
          if (Number.isNaN(value)) throw new Error(`histogram ${name} cannot observe NaN`);
          const values = valuesOf(name, labelNames, labels);
          const key = JSON.stringify(values);
          let s = series.get(key);
          if (!s) series.set(key, (s = { values, counts: bounds.map(() => 0), sum: 0, count: 0 }));
          const i = bounds.findIndex((b) => value <= b);
          if (i >= 0) s.counts[i]! += 1;
          s.sum += value;
          s.count += 1;
        },
      };
    },
    async render() {
      const blocks = await Promise.all(families.map(async (f) => [
        `# HELP ${f.name} ${f.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`,
        `# TYPE ${f.name} ${f.type}`,
        ...(await f.lines()),
      ]));
      return blocks.flat().map((l) => `${l}\n`).join("");
    },
  };
}

/** Label values in declaration order; a missing or unknown label is a programming error. */
function valuesOf(metric: string, names: readonly string[], labels: Record<string, string | number>): string[] {
  const given = Object.keys(labels);
  const extra = given.find((k) => !names.includes(k));
  if (extra !== undefined) throw new Error(`${metric} has no label ${extra}`);
  return names.map((n) => {
    const v = labels[n];
    if (v === undefined) throw new Error(`${metric} needs label ${n}`);
    return String(v);
  });
}

/** Collector output comes from user code at runtime: check its shape before trusting it. */
function samplesOf(got: unknown): { labels: Record<string, string | number>; value: number }[] {
  if (!Array.isArray(got)) throw new Error("collector returned neither a number nor samples");
  return got.map((s) => {
    if (typeof s !== "object" || s === null || typeof s.value !== "number" || typeof s.labels !== "object") {
      throw new Error("collector returned a malformed sample");
    }
    return s;
  });
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  const escape = (v: string) => v.replaceAll("\\", "\\\\").replaceAll("\"", "\\\"").replaceAll("\n", "\\n");
  return `{${names.map((n, i) => `${n}="${escape(values[i] ?? "")}"`).join(",")}}`;
}

const num = (n: number) => (Number.isNaN(n) ? "NaN" : n === Infinity ? "+Inf" : n === -Infinity ? "-Inf" : String(n));
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** The shop's metrics. */
export const shopMetrics = (r: Registry) => ({
  consumerLag: r.gauge("saga_consumer_lag",
    "Messages in the log a consumer group has not committed yet, per partition", ["group", "topic", "partition"]),
  outboxBacklog: r.gauge("saga_outbox_backlog", "Outbox rows not yet published by the relay"),
  relayMessages: r.counter("saga_relay_messages_total", "Outbox rows published by this process's relay"),
  relayClaimSize: r.histogram("saga_relay_claim_size", "Outbox rows per claim of the relay", [], BATCH_BUCKETS),
  relayWaitSeconds: r.histogram("saga_relay_wait_seconds", "Time from an outbox row's insert to its claim by the relay", [], STEP_BUCKETS),
  relayPublishSeconds: r.histogram("saga_relay_publish_seconds", "Time the relay's publish of one claim took (the log's acks)", [], STEP_BUCKETS),
  mailboxDepth: r.gauge("saga_mailbox_depth", "Messages fetched by a consumer group and not yet committed", ["group"]),
  stepDuration: r.histogram("saga_step_duration_seconds",
    "Time from a saga step's request to its answer (step: inventory, payment, capture, shipping, refund)", ["step"]),
  messages: r.counter("saga_messages_total",
    "Messages handled by a consumer group, by outcome: ok, ignored, dead_letter", ["group", "outcome"]),
  deadLetters: r.counter("saga_dead_letters_total", "Messages parked as dead letters (once per source offset)", ["group"]),
  batchSize: r.histogram("saga_batch_size", "Messages per batch handed to a consumer group", ["group"], BATCH_BUCKETS),
  httpRequests: r.counter("http_requests_total", "HTTP requests by method, route pattern and status", ["method", "route", "status"]),
  httpDuration: r.histogram("http_request_duration_seconds",
    "Time to the response head, by method and route pattern", ["method", "route"]),
  shed: r.counter("http_commands_shed_total",
    "Commands answered 503 for want of time: no turn within the queue wait (queue), no answer by the deadline (deadline), or a new order shed while the orders taken wait in the saga (backlog)", ["why"]),
});
export type ShopMetrics = ReturnType<typeof shopMetrics>;

/** A consumer group's batch handler that records the size of each batch. */
export function metered(m: Pick<ShopMetrics, "batchSize">, group: string, handler: BatchHandler): BatchHandler {
  return (batch) => {
    m.batchSize.observe({ group }, batch.messages.length);
    return handler(batch);
  };
}
