/**
 * What a request must be before any router reads it: a Host that names a host, a URL
 * whose path and query decode as UTF-8 without control characters, and header values of
 * printable ASCII. A request that fails gets 400 "unreadable request" naming the part,
 * so no handler ever builds a URL from a broken Host or sends a NUL to the database.
 *
 * The text rules are exported for the body readers (validate.ts, form.ts), which apply
 * the same ones to every field.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export type Problem = { field: string; message: string };

/** C0 controls and DEL: no field, parameter or path segment of the shop holds one. */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** A UTF-16 half without its other half: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BROKEN_ESCAPE = /%(?![0-9a-f]{2})/i;
/** Header values: printable ASCII and tab (obs-text bytes are legal HTTP, but nothing we read has any). */
const HEADER_VALUE = /^[\t\u0020-\u007e]*$/;
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?|\[[0-9a-f:.]{2,45}\])(?::(\d{1,5}))?$/i;

/** Headers with rules of their own: ids the shop keeps or echoes. */
const ID_HEADERS: Record<string, { max: number }> = {
  "x-correlation-id": { max: 128 },
  "idempotency-key": { max: 200 },
};

/** Why `text` (a field, a parameter, a path) cannot be taken as text, or null. */
export function textProblem(text: string): string | null {
  if (CONTROL.test(text)) return "contains a control character";
  if (LONE_SURROGATE.test(text)) return "is not valid Unicode";
  return null;
}

/**
 * U+FFFD where bytes were read: the HTTP parser (and multipart decoding) put it in place of
 * bytes that are not UTF-8, so it is the only trace they leave.
 */
export const REPLACED = /\ufffd/;

/** A percent-encoded component as text (`+` as a space when `plus`), or a problem. */
export function decodeComponent(raw: string, plus = false): { text: string } | { problem: string } {
  if (BROKEN_ESCAPE.test(raw)) return { problem: "has a broken %-escape" };
  let text: string;
  try {
    text = decodeURIComponent(plus ? raw.replaceAll("+", " ") : raw);
  } catch {
    return { problem: "is not UTF-8 once %-decoded" };
  }
  if (REPLACED.test(text)) return { problem: "has bytes that are not UTF-8" };
  const problem = textProblem(text);
  return problem ? { problem } : { text };
}

/** The Host header's problem, or null: a DNS name or a bracketed IPv6 address, and a port up to 65535. */
export function hostProblem(host: string): string | null {
  if (host.length > 255) return "is longer than 255 characters";
  const match = HOST.exec(host);
  if (!match) return "is not a host name";
  if (match[1] !== undefined && Number(match[1]) > 65535) return "has a port over 65535";
  return null;
}

/** The URL's path and query parameters, each decoded on its own: the first that cannot be read. */
export function urlProblem(url: string): Problem | null {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const target = start < 0 ? "/" : url.slice(start);
  if (/[^\u0021-\u007e]/.test(target)) return { field: "URL", message: "URL has characters that are not printable ASCII" };
  const [path = "", query = ""] = target.split("#", 1)[0]!.split(/\?(.*)/s, 2);
  const decodedPath = decodeComponent(path);
  if ("problem" in decodedPath) return { field: "path", message: `path ${decodedPath.problem}` };
  const pairs = decodePairs(query, "query", "query parameter");
  return "problem" in pairs ? pairs.problem : null;
}

/**
 * The name=value pairs of a query string or a urlencoded body, decoded; or the first that
 * cannot be read, named by its name (or by `whole`, e.g. "query", when the name itself cannot be read).
 */
export function decodePairs(text: string, whole: string, noun: string): { pairs: [string, string][] } | { problem: Problem } {
  const pairs: [string, string][] = [];
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const [rawName = "", rawValue = ""] = pair.split(/=(.*)/s, 2);
    const name = decodeComponent(rawName, true);
    if ("problem" in name) return { problem: { field: whole, message: `the name of a ${noun} ${name.problem}` } };
    const value = decodeComponent(rawValue, true);
    if ("problem" in value) return { problem: { field: name.text, message: `${name.text} ${value.problem}` } };
    pairs.push([name.text, value.text]);
  }
  return { pairs };
}

/** The first header whose value cannot be read, or null. */
export function headerProblem(headers: Headers): Problem | null {
  for (const [name, value] of headers) {
    if (!HEADER_VALUE.test(value)) return { field: name, message: `${name} header has characters that are not printable ASCII` };
    const id = ID_HEADERS[name];
    if (id && (value.length === 0 || value.length > id.max || /\s/.test(value))) {
      return { field: name, message: `${name} must be 1-${id.max} printable ASCII characters without spaces` };
    }
  }
  return null;
}

/** Everything wrong with a request before routing, or null. */
export function requestProblem(req: Request): Problem | null {
  const host = req.headers.get("host");
  const badHost = host === null ? null : hostProblem(host);
  if (badHost) return { field: "host", message: `Host header ${badHost}` };
  if (!URL.canParse(req.url)) return { field: "URL", message: "URL does not parse" };
  return headerProblem(req.headers) ?? urlProblem(req.url);
}

/** 400 "unreadable request" for what requestProblem finds; ahead of every router. */
export function readableRequest(): MiddlewareHandler {
  return async (c, next) => {
    const problem = requestProblem(c.req.raw);
    if (!problem) return next();
    return c.json({ error: `unreadable request: ${problem.message}`, field: problem.field }, 400);
  };
}

/** The largest body the shop reads: its biggest form or order is a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A product picture's upload (API and console) may be larger: the picture's limit and room for the form around it. */
const UPLOAD_PATH = /^\/(api\/)?admin\/products\/[^/]+\/images$/;
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024 + 64 * 1024;

/** 413 for a body over MAX_BODY_BYTES (an upload's MAX_UPLOAD_BYTES), by its Content-Length or, chunked, as it arrives. */
export const limitedBody = (): MiddlewareHandler => {
  const small = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: "request body is larger than 1 MiB", field: "body" }, 413),
  });
  const upload = bodyLimit({
    maxSize: MAX_UPLOAD_BYTES,
    onError: (c) => c.json({ error: "image: the picture is larger than 5 MiB", field: "image" }, 413),
  });
  return (c, next) => (c.req.method === "POST" && UPLOAD_PATH.test(c.req.path) ? upload : small)(c, next);
};

/**
 * A Content-Type's media type (lower case) and whether its charset, if named, is UTF-8:
 * the shop reads bodies only as UTF-8, and a body declared as another charset would be
 * misread rather than refused.
 */
export function mediaType(header: string | undefined): { type: string; utf8: boolean } {
  const [type = "", ...params] = (header ?? "").split(";").map((p) => p.trim());
  const charset = params.map((p) => /^charset=(.*)$/i.exec(p)?.[1]).find((v) => v !== undefined);
  return { type: type.toLowerCase(), utf8: charset === undefined || /^"?utf-8"?$/i.test(charset) };
}
