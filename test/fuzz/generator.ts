/**
 * Seeded generator of bad requests: case `i` of seed `s` takes one route template
 * (routes.ts), spoils one part of it (bad-values.ts) and writes the request as raw bytes,
 * so that nothing between the fuzzer and the server repairs it. The same seed and index
 * always give the same bytes: a 5xx is replayed with `bun run fuzz --seed s --only i`.
 */
import * as bad from "./bad-values.ts";
import { caseRng, type Rng } from "./rng.ts";
import { TEMPLATES, type Template } from "./routes.ts";
import { encodeBody, spoilBody, spoilField, type Body } from "./bodies.ts";

export type Credentials = { customer: string; admin: string };

export type Case = {
  index: number;
  /** `METHOD /route/:pattern`, for the report */
  route: string;
  /** what was spoiled, e.g. `query limit = "abc"` */
  what: string;
  bytes: Uint8Array;
  stream: boolean;
};

/** A request under construction: every part still open to spoiling. */
type Draft = {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  extraLines: string[];
  body: Body | null;
};

const SLOTS = ["path", "query", "field", "body", "host", "header", "auth", "method"] as const;
type Slot = (typeof SLOTS)[number];

/** Case `index` of the run seeded with `seed`. */
export function generateCase(seed: number, index: number, host: string, who: Credentials): Case {
  const rng = caseRng(seed, index);
  const t = rng.pick(TEMPLATES);
  const slots = SLOTS.filter((s) => applies(t, s));
  const slot = rng.pick(slots);
  const draft = draftOf(t, host, who);
  const what = spoil(rng, t, slot, draft);
  return { index, route: `${t.method} ${t.route}`, what, bytes: wire(draft), stream: t.stream ?? false };
}

function applies(t: Template, slot: Slot): boolean {
  switch (slot) {
    case "path": return t.params !== undefined;
    case "field": case "body": return t.body !== undefined;
    case "auth": return !t.guestWrites;
    default: return true;
  }
}

const latin1 = (s: string) => Buffer.from(s, "latin1");
/** Every byte of the UTF-8 of `s` percent-encoded (a lone surrogate goes as U+FFFD). */
const pct = (s: string) => [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");

function draftOf(t: Template, host: string, who: Credentials): Draft {
  const path = t.route.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(t.params![name]!));
  const search = new URLSearchParams(t.query ?? {}).toString();
  const headers: [string, string][] = [["Host", host], ["User-Agent", "saga-fuzz"], ["Connection", "close"]];
  const api = t.route.startsWith("/api") || t.route === "/metrics";
  if (t.who !== "guest") {
    const token = t.who === "admin" ? who.admin : who.customer;
    headers.push(api ? ["Authorization", `Bearer ${token}`] : ["Cookie", `session=${token}`]);
  }
  if (!["GET", "HEAD"].includes(t.method) && !api) headers.push(["Sec-Fetch-Site", "same-origin"]);
  if (t.route === "/api/orders" && t.method === "POST") headers.push(["Idempotency-Key", "fuzz-order-key-1"]);
  const body = t.body ? encodeBody(t.body.kind, t.body.fields) : null;
  return { method: t.method, target: search ? `${path}?${search}` : path, version: "HTTP/1.1", headers, extraLines: [], body };
}

/** Spoils `slot` of the draft; returns what was done, in words. */
function spoil(rng: Rng, t: Template, slot: Slot, d: Draft): string {
  switch (slot) {
    case "path": {
      const name = rng.pick(Object.keys(t.params!));
      const value = rng.chance(0.8) ? rng.pick(bad.BAD_URL_PIECES) : pct(rng.pick(bad.BAD_TEXT));
      const good = encodeURIComponent(t.params![name]!);
      d.target = d.target.replace(good, rng.chance(0.5) ? value : good + value);
      return `path :${name} = ${show(value)}`;
    }
    case "query": return spoilQuery(rng, t, d);
    case "field": {
      const name = rng.pick(Object.keys(t.body!.fields));
      const done = spoilField(rng, t.body!.kind, t.body!.fields, name);
      d.body = done.body;
      return `field ${name}: ${done.what}`;
    }
    case "body": {
      const done = spoilBody(rng, t.body!.kind, t.body!.fields);
      d.body = done.body;
      return `body: ${done.what}`;
    }
    case "host": return spoilHost(rng, d);
    case "header": return spoilHeader(rng, t, d);
    case "auth": {
      const cookie = rng.chance(0.5);
      const value = rng.pick(cookie ? bad.BAD_COOKIES : bad.BAD_AUTH);
      d.headers = d.headers.filter(([n]) => n !== "Authorization" && n !== "Cookie");
      d.headers.push([cookie ? "Cookie" : "Authorization", value]);
      return `${cookie ? "cookie" : "authorization"} ${show(value)}`;
    }
    case "method": return spoilRequestLine(rng, t, d);
  }
}

function spoilQuery(rng: Rng, t: Template, d: Draft): string {
  const names = Object.keys(t.query ?? {});
  const [path, search = ""] = d.target.split("?", 2) as [string, string?];
  const typed = names.filter((n) => !bad.FREE_QUERY.has(n));
  let name: string;
  let value: string;
  if (typed.length > 0 && rng.chance(0.4)) {
    name = rng.pick(typed);
    value = encodeURIComponent(rng.pick(bad.WRONG_QUERY_VALUES));
  } else {
    name = names.length > 0 && rng.chance(0.7) ? rng.pick(names) : rng.pick(["zz", "%ZZ", "a%00b", "%FF"]);
    value = rng.chance(0.85) ? rng.pick(bad.BAD_URL_PIECES) : pct(rng.pick(bad.BAD_TEXT));
  }
  const kept = search.split("&").filter((p) => p && !p.startsWith(`${name}=`));
  d.target = `${path}?${[...kept, `${name}=${value}`].join("&")}`;
  return `query ${show(name)} = ${show(value)}`;
}

function spoilHost(rng: Rng, d: Draft): string {
  const others = d.headers.filter(([n]) => n !== "Host");
  const r = rng.int(10);
  if (r === 0) {
    d.headers = others; // no Host at all (an HTTP/1.1 request must have one)
    return "no Host header";
  }
  const value = rng.pick(bad.BAD_HOSTS);
  d.headers = r === 1 ? [...d.headers, ["Host", value]] : [["Host", value], ...others];
  return `${r === 1 ? "second " : ""}Host ${show(value)}`;
}

function spoilHeader(rng: Rng, t: Template, d: Draft): string {
  const choices: [string, readonly string[]][] = [["X-Correlation-Id", bad.BAD_CORRELATION_IDS], ["line", bad.BAD_HEADER_LINES]];
  if (t.body || t.method !== "GET") choices.push(["Content-Type", bad.BAD_CONTENT_TYPES]);
  if (t.route === "/api/orders" && t.method === "POST") choices.push(["Idempotency-Key", bad.BAD_IDEMPOTENCY_KEYS], ["Idempotency-Key", bad.BAD_IDEMPOTENCY_KEYS]);
  if (t.stream) choices.push(["Last-Event-ID", bad.BAD_LAST_EVENT_IDS]);
  if (!["GET", "HEAD"].includes(t.method) && !d.headers.some(([n]) => n === "Authorization")) choices.push(["origin", []]);
  const [name, values] = rng.pick(choices);
  if (name === "line") {
    const line = rng.pick(bad.BAD_HEADER_LINES);
    d.extraLines.push(line);
    return `header line ${show(line.slice(0, 40))}`;
  }
  if (name === "origin") {
    const [header, value] = rng.pick(bad.BAD_ORIGINS);
    d.headers = d.headers.filter(([n]) => n !== "Sec-Fetch-Site");
    d.headers.push([header, value]);
    return `${header} ${show(value)}`;
  }
  const value = rng.pick(values);
  if (name === "Content-Type" && d.body) d.body = { ...d.body, type: value };
  else d.headers = [...d.headers.filter(([n]) => n !== name), [name, value]];
  return `${name} ${show(value)}`;
}

function spoilRequestLine(rng: Rng, t: Template, d: Draft): string {
  const r = rng.int(3);
  if (r === 0) {
    d.method = rng.pick(bad.BAD_METHODS);
    return `method ${show(d.method)}`;
  }
  if (r === 1) {
    // HTTP/1.0 is a good request line, and a good GET changes nothing
    d.version = t.method === "GET" && rng.chance(0.2) ? "HTTP/1.0" : rng.pick(bad.BAD_VERSIONS);
    return `version ${show(d.version)}`;
  }
  d.target = rng.pick(bad.BAD_TARGETS);
  return `target ${show(d.target.slice(0, 40))}`;
}

/** The draft as bytes on the wire: a request line, headers, a blank line, the body (with its framing). */
function wire(d: Draft): Uint8Array {
  const lines = [`${d.method} ${d.target}${d.version ? ` ${d.version}` : ""}`, ...d.headers.map(([n, v]) => `${n}: ${v}`), ...d.extraLines];
  let body: Uint8Array = new Uint8Array();
  if (d.body) {
    if (d.body.type !== null) lines.push(`Content-Type: ${d.body.type}`);
    if (d.body.chunked) {
      lines.push("Transfer-Encoding: chunked");
      body = Buffer.concat([latin1(`${d.body.bytes.length.toString(16)}\r\n`), d.body.bytes, latin1("\r\n0\r\n\r\n")]);
    } else {
      lines.push(`Content-Length: ${d.body.bytes.length}`);
      body = d.body.bytes;
    }
  } else if (d.method === "POST" || d.method === "PATCH") {
    lines.push("Content-Length: 0");
  }
  return Buffer.concat([latin1(`${lines.join("\r\n")}\r\n\r\n`), body]);
}

/** A value as the report shows it: escaped, and cut short. */
export function show(value: string): string {
  const s = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...(${value.length})` : value);
  return s;
}

