/**
 * The registry's output is read back by a parser of the text exposition format 0.0.4,
 * so every test checks what Prometheus would see, not the strings we meant to write.
 */
import { describe, expect, test } from "bun:test";
import { metered, registry, shopMetrics } from "./metrics.ts";

type Parsed = {
  help: Map<string, string>;
  types: Map<string, string>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
  comments: string[];
};

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const VALUE = "(NaN|[+-]Inf|[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}(?:,${LABEL})*)?,?)\\})? ${VALUE}(?: -?\\d+)?$`);

/** Parse exposition text; throws on the first line the grammar does not allow. */
function parse(text: string): Parsed {
  const out: Parsed = { help: new Map(), types: new Map(), samples: [], comments: [] };
  if (!text.endsWith("\n")) throw new Error("the last line must end with a newline");
  const done = new Set<string>();
  let current: string | null = null;
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = "", rest = ""] = meta;
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`bad name in ${line}`);
      const seen = kind === "HELP" ? out.help : out.types;
      if (seen.has(name)) throw new Error(`second ${kind} for ${name}`);
      if (kind === "TYPE" && !["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) throw new Error(line);
      if (kind === "HELP" && /\\[^\\n]/.test(rest.replaceAll("\\\\", ""))) throw new Error(`bad escape in ${line}`);
      if (kind === "TYPE" && out.samples.some((s) => familyOf(s.name, out.types) === name)) throw new Error(`TYPE after samples: ${line}`);
      seen.set(name, kind === "HELP" ? rest.replaceAll("\\n", "\n").replaceAll("\\\\", "\\") : rest);
      continue;
    }
    if (line.startsWith("#")) {
      out.comments.push(line);
      continue;
    }
    if (line.trim() === "") continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const name = m[1]!;
    const family = familyOf(name, out.types);
    if (family !== current) {
      if (current) done.add(current);
      if (done.has(family)) throw new Error(`samples of ${family} are not together`);
      current = family;
    }
    const labels: Record<string, string> = {};
    for (const [, k = "", v = ""] of (m[2] ?? "").matchAll(new RegExp(LABEL, "g"))) {
      if (k in labels) throw new Error(`label ${k} twice in ${line}`);
      labels[k] = v.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    out.samples.push({ name, labels, value: Number(m.at(-1)!.replace("Inf", "Infinity")) });
  }
  return out;
}

/** The family a sample belongs to: a histogram's _bucket/_sum/_count name their base. */
function familyOf(name: string, types: Map<string, string>): string {
  for (const [family, type] of types) {
    const suffixes = type === "histogram" ? ["_bucket", "_sum", "_count"] : [""];
    if (suffixes.some((s) => `${family}${s}` === name)) return family;
  }
  throw new Error(`sample ${name} before its TYPE line`);
}

const values = (p: Parsed, name: string) => p.samples.filter((s) => s.name === name);

describe("registry", () => {
  test("the parser refuses what the grammar does not allow", () => {
    // Guards the guard: a parser that accepted anything would make every test below pass.
    expect(() => parse("# TYPE a counter\na 1")).toThrow("newline");
    expect(() => parse("# TYPE a counter\na{b=\"x\"y\"} 1\n")).toThrow("not a sample line");
    expect(() => parse("# TYPE a counter\na{b=\"x\ny\"} 1\n")).toThrow("not a sample line");
    expect(() => parse("a 1\n")).toThrow("before its TYPE");
    expect(() => parse("# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na 2\n")).toThrow("not together");
    expect(() => parse("# TYPE a gauge\na one\n")).toThrow("not a sample line");
  });

  test("counters, gauges and their HELP and TYPE lines render in the exposition format", async () => {
    const r = registry();
    const c = r.counter("jobs_total", "Jobs done\nby worker \\ kind", ["worker"]);
    const g = r.gauge("queue_depth", "Items waiting");
    c.inc({ worker: "a" });
    c.inc({ worker: "a" }, 2);
    c.inc({ worker: 7 });
    g.set({}, 5);
    g.inc({}, 3);
    g.dec({});
    const p = parse(await r.render());
    expect(p.types).toEqual(new Map([["jobs_total", "counter"], ["queue_depth", "gauge"]]));
    expect(p.help.get("jobs_total")).toBe("Jobs done\nby worker \\ kind");
    expect(values(p, "jobs_total")).toEqual([
      { name: "jobs_total", labels: { worker: "a" }, value: 3 },
      { name: "jobs_total", labels: { worker: "7" }, value: 1 },
    ]);
    expect(values(p, "queue_depth")).toEqual([{ name: "queue_depth", labels: {}, value: 7 }]);
  });

  test("label values with quotes, newlines and backslashes are escaped and read back intact", async () => {
    const r = registry();
    const tricky = "say \"hi\"\nC:\\path\\n";
    r.counter("odd_total", "Odd labels", ["v"]).inc({ v: tricky });
    const text = await r.render();
    expect(text).toContain(String.raw`odd_total{v="say \"hi\"\nC:\\path\\n"} 1`);
    expect(parse(text).samples[0]?.labels.v).toBe(tricky);
  });

  test("histogram buckets are cumulative and end with +Inf, _sum and _count", async () => {
    const r = registry();
    const h = r.histogram("step_seconds", "Step time", ["step"], [0.1, 1, 10]);
    for (const v of [0.05, 0.1, 0.5, 3, 3, 60]) h.observe({ step: "pay" }, v);
    h.observe({ step: "ship" }, 0.2);
    const p = parse(await r.render());
    const pay = p.samples.filter((s) => s.labels.step === "pay");
    expect(pay.filter((s) => s.name === "step_seconds_bucket").map((s) => [s.labels.le, s.value])).toEqual([
      ["0.1", 2], ["1", 3], ["10", 5], ["+Inf", 6],
    ]);
    expect(pay.find((s) => s.name === "step_seconds_sum")?.value).toBeCloseTo(66.65, 10);
    expect(pay.find((s) => s.name === "step_seconds_count")?.value).toBe(6);
    const ship = p.samples.filter((s) => s.labels.step === "ship" && s.name === "step_seconds_bucket");
    expect(ship.map((s) => s.value)).toEqual([0, 1, 1, 1]);
  });

  test("gauge collectors are awaited at scrape time and win over set values with the same labels", async () => {
    const r = registry();
    const lag = r.gauge("lag", "Lag", ["partition"]);
    lag.set({ partition: 0 }, 99);
    lag.set({ partition: 5 }, 1);
    let calls = 0;
    lag.collect(async () => {
      calls += 1;
      await new Promise((res) => setTimeout(res, 20));
      return [{ labels: { partition: 0 }, value: 4 }, { labels: { partition: 1 }, value: calls }];
    });
    r.gauge("backlog", "Backlog").collect(() => Promise.resolve(12));
    const first = parse(await r.render());
    expect(values(first, "lag").map((s) => [s.labels.partition, s.value])).toEqual([["0", 4], ["5", 1], ["1", 1]]);
    expect(values(first, "backlog")[0]?.value).toBe(12);
    expect(values(parse(await r.render()), "lag").find((s) => s.labels.partition === "1")?.value).toBe(2);
  });

  test("a failing, malformed or hanging collector renders a comment and the rest still renders", async () => {
    const r = registry({ collectTimeoutMs: 50 });
    const broken = r.gauge("broken", "Broken", ["x"]);
    broken.set({ x: "kept" }, 1);
    broken.collect(async () => {
      throw new Error("database\nunreachable");
    });
    r.gauge("hangs", "Hangs").collect(() => new Promise<number>(() => {}));
    // Untyped data (a query result, parsed JSON) can carry what the compiler would refuse.
    r.gauge("wrong_labels", "Wrong", ["x"]).collect(() => JSON.parse(`[{ "labels": { "x": "a", "y": "b" }, "value": 1 }]`));
    r.gauge("not_a_number", "Wrong", ["x"]).collect(() => JSON.parse(`[{ "labels": { "x": "a" }, "value": "1" }]`));
    r.counter("after_total", "After").inc({});
    const p = parse(await r.render());
    expect(p.comments).toEqual([
      "# collect failed for broken: database unreachable",
      "# collect failed for hangs: collector timed out after 50 ms",
      "# collect failed for wrong_labels: wrong_labels has no label y",
      "# collect failed for not_a_number: collector returned a malformed sample",
    ]);
    expect(values(p, "broken")).toEqual([{ name: "broken", labels: { x: "kept" }, value: 1 }]);
    expect(values(p, "after_total")[0]?.value).toBe(1);
  });

  test("misuse is refused where it happens, not at scrape time", () => {
    const r = registry();
    const c = r.counter("c_total", "C", ["a"]);
    expect(() => c.inc({ a: "x" }, -1)).toThrow("only go up");
    // @ts-expect-error: a missing label is a compile error too
    expect(() => c.inc({})).toThrow("needs label a");
    expect(() => r.counter("c_total", "again")).toThrow("twice");
    expect(() => r.gauge("bad-name", "B")).toThrow("bad metric name");
    expect(() => r.histogram("h", "H", ["le"])).toThrow("cannot have a label");
    expect(() => r.histogram("h2", "H", [], [1, 0.5])).toThrow("increasing");
  });
});

describe("shop metrics", () => {
  test("every shop metric renders with its type, and `metered` records batch sizes", async () => {
    const r = registry();
    const m = shopMetrics(r);
    const handler = metered(m, "payment", async () => {
      throw new Error("redeliver");
    });
    const msg = { topic: "order.events" as const, key: "o-1", value: "{}", partition: 0, offset: 0 };
    await expect(handler({ messages: [msg, { ...msg, offset: 1 }, { ...msg, offset: 2 }] })).rejects.toThrow("redeliver");
    m.mailboxDepth.collect(() => [{ labels: { group: "payment" }, value: 7 }]);
    const p = parse(await r.render());
    expect(values(p, "saga_mailbox_depth")).toEqual([{ name: "saga_mailbox_depth", labels: { group: "payment" }, value: 7 }]);
    expect(values(p, "saga_batch_size_bucket").find((s) => s.labels.le === "5")?.value).toBe(1);
    expect(values(p, "saga_batch_size_bucket").find((s) => s.labels.le === "2")?.value).toBe(0);
    expect(Object.fromEntries(p.types)).toEqual({
      saga_consumer_lag: "gauge", saga_outbox_backlog: "gauge", saga_mailbox_depth: "gauge",
      saga_step_duration_seconds: "histogram", saga_messages_total: "counter", saga_dead_letters_total: "counter",
      saga_batch_size: "histogram", http_requests_total: "counter", http_request_duration_seconds: "histogram",
      http_commands_shed_total: "counter", saga_relay_messages_total: "counter", saga_relay_claim_size: "histogram",
      saga_relay_wait_seconds: "histogram", saga_relay_publish_seconds: "histogram",
    });
  });
});
