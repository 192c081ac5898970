/** Request bodies for the fuzzer: a template's good body, then one field or the whole body spoiled. */
import { BAD_TEXT, LONG_TEXT, WRONG_TYPES } from "./bad-values.ts";
import type { Rng } from "./rng.ts";
import type { BodyKind } from "./routes.ts";

/** A body on the wire: its Content-Type (null: none sent), its bytes, and whether it goes chunked. */
export type Body = { type: string | null; bytes: Uint8Array; chunked?: boolean };
type Spoiled = { body: Body; what: string };

const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";
const BOUNDARY = "fuzzb0undary";
const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
/** Fields whose text is a hint (a page to go back to): anything there falls back to a default. */
const FREE = new Set(["next", "back"]);
const RAW = "\u0001RAW\u0001"; // stands for raw invalid UTF-8 bytes in a JSON text
const HUGE = 1_100_000; // over the 1 MiB every body is allowed

const bytes = (s: string, enc: BufferEncoding = "utf8") => new Uint8Array(Buffer.from(s, enc));

/** The template's good body. */
export function encodeBody(kind: BodyKind, fields: Record<string, unknown>): Body {
  if (kind === "json") return { type: JSON_TYPE, bytes: bytes(JSON.stringify(fields)) };
  return { type: FORM_TYPE, bytes: bytes(urlencoded(fields)) };
}

const urlencoded = (fields: Record<string, unknown>) =>
  Object.entries(fields).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");

/** JSON text of `value`, with RAW markers turned into bytes that are not UTF-8. */
function jsonBytes(value: unknown): Uint8Array {
  const text = JSON.stringify(value);
  const marker = JSON.stringify(RAW).slice(1, -1);
  if (!text.includes(marker)) return bytes(text);
  const [before, ...after] = text.split(marker);
  return new Uint8Array(Buffer.concat([Buffer.from(before!, "utf8"), Buffer.from("\xff\xfe\xc3(", "latin1"), Buffer.from(after.join(marker), "utf8")]));
}

/** One field of the body given a bad value (or, in a form, sent as a file). */
export function spoilField(rng: Rng, kind: BodyKind, fields: Record<string, unknown>, name: string): Spoiled {
  if (kind === "json") {
    const [path, value] = badJsonValue(rng, name, fields[name]);
    const copy = structuredClone(fields);
    setAt(copy, path, value);
    return { body: { type: JSON_TYPE, bytes: jsonBytes(copy) }, what: `${path.join(".")} = ${describe(value)}` };
  }
  const r = rng.int(FREE.has(name) ? 4 : 5);
  if (r === 0) return { body: multipart(fields, name), what: "sent as a file" };
  const encoded = [rng.pick(["%00", "%0A", "%1B", "%7F", "%0D%0A"]), rng.pick(["%FF", "%C0%AF", "%ED%A0%80"]), "\xff\xfe", "%E2%8"][r - 1] ?? LONG_TEXT;
  const text = Object.entries(fields).map(([k, v]) => `${k}=${k === name ? `ab${encoded}` : encodeURIComponent(String(v))}`).join("&");
  return { body: { type: FORM_TYPE, bytes: bytes(text, "latin1") }, what: JSON.stringify(encoded.slice(0, 20)) };
}

/** A bad value for a JSON field, at the field or at a leaf inside it. */
function badJsonValue(rng: Rng, name: string, current: unknown): [(string | number)[], unknown] {
  if (current && typeof current === "object" && rng.chance(0.6)) {
    const keys = Object.keys(current);
    const key = rng.pick(keys);
    const inner = (current as Record<string, unknown>)[key];
    const [rest, value] = badJsonValue(rng, key, inner);
    return [[name, Array.isArray(current) ? Number(key) : key, ...rest.slice(1)], value];
  }
  const r = rng.int(10);
  if (r < 5) return [[name], rng.pick(BAD_TEXT)];
  // a wrong type: for a text field, a short digit string is text all the same (a payment token "1" is one)
  if (r < 8) return [[name], rng.pick(typeof current === "string" ? WRONG_TYPES.filter((v) => typeof v !== "string" || v === "") : WRONG_TYPES)];
  if (r < 9) return [[name], RAW];
  return [[name], FREE.has(name) ? null : LONG_TEXT];
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = value;
}

const describe = (v: unknown) => (v === RAW ? "bytes that are not UTF-8" : JSON.stringify(v)?.slice(0, 40) ?? String(v));

/** The form as multipart, `asFile` sent as an uploaded file. */
function multipart(fields: Record<string, unknown>, asFile?: string, cut = false): Body {
  const parts = Object.entries(fields).map(([k, v]) => k === asFile
    ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01${String(v)}\r\n`
    : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`);
  const text = `${parts.join("")}--${BOUNDARY}--\r\n`;
  return { type: MULTIPART_TYPE, bytes: bytes(cut ? text.slice(0, Math.floor(text.length * 0.6)) : text, "latin1") };
}

/** The whole body spoiled: truncated, unreadable, of another type, too big or too deep. */
export function spoilBody(rng: Rng, kind: BodyKind, fields: Record<string, unknown>): Spoiled {
  const good = encodeBody(kind, fields);
  const r = rng.int(9);
  switch (r) {
    case 0: {
      if (kind === "form") return { body: multipart(fields, undefined, true), what: "truncated multipart" };
      const at = 1 + rng.int(good.bytes.length - 1);
      return { body: { ...good, bytes: good.bytes.slice(0, at) }, what: `truncated at ${at}` };
    }
    case 1: {
      const type = rng.pick([kind === "json" ? FORM_TYPE : JSON_TYPE, "text/plain", null, MULTIPART_TYPE, "application/xml"]);
      return { body: { ...good, type }, what: `sent as ${type ?? "no content-type"}` };
    }
    case 2: {
      const at = rng.int(good.bytes.length);
      const spoiled = Buffer.concat([good.bytes.slice(0, at), Buffer.from("\xff\xfe\x80", "latin1"), good.bytes.slice(at)]);
      return { body: { ...good, bytes: new Uint8Array(spoiled) }, what: `bytes that are not UTF-8 at ${at}` };
    }
    case 3: {
      const chunked = rng.chance(0.5);
      const padded = kind === "json" ? bytes(JSON.stringify({ ...fields, pad: "x".repeat(HUGE) })) : bytes(`${urlencoded(fields)}&pad=${"x".repeat(HUGE)}`);
      return { body: { ...good, bytes: padded, chunked }, what: `over 1 MiB${chunked ? ", chunked" : ""}` };
    }
    case 4: {
      if (kind === "form") return { body: { type: "multipart/form-data", bytes: multipart(fields).bytes }, what: "multipart without its boundary" };
      const depth = rng.pick([33, 40, 1000, 100_000]);
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      const text = rng.chance(0.5) ? deep : JSON.stringify({ ...fields, [rng.pick(Object.keys(fields))]: "DEEP" }).replace('"DEEP"', deep);
      return { body: { ...good, bytes: bytes(text) }, what: `nested ${depth} deep` };
    }
    case 5: {
      const text = rng.pick(["", "[]", "null", "42", '"text"', "\ufeff{}", "{", "}", "{\"a\":}", "[1,]", "\u0000"]);
      return { body: { ...good, bytes: bytes(text) }, what: `body ${JSON.stringify(text)}` };
    }
    case 6: {
      const type = `multipart/form-data; boundary=${rng.pick(["other", "", '"', "x".repeat(200)])}`;
      return { body: { type, bytes: multipart(fields).bytes }, what: `multipart with a boundary it does not use` };
    }
    case 7: {
      const garbage = new Uint8Array(64 + rng.int(512)).map(() => rng.int(256));
      return { body: { ...good, bytes: garbage }, what: "random bytes" };
    }
    default: {
      const text = kind === "json" ? `${new TextDecoder().decode(good.bytes)}${rng.pick(["x", "}", ",{}", " []"])}` : `${urlencoded(fields)}&%ZZ=1`;
      return { body: { ...good, bytes: bytes(text) }, what: "trailing garbage" };
    }
  }
}
