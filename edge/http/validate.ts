/**
 * Request parsing with schemas: bad input becomes a 400 naming the field, before anything
 * runs. A JSON body must be UTF-8, nested at most 32 deep and hold no control characters
 * or lone surrogates in any string; query parameters were already read as text by
 * readable.ts.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { InputError } from "../../actors/contracts/errors.ts";
import { fieldError } from "./http-errors.ts";
import { mediaType, textProblem } from "./readable.ts";

/** Deeper than any body of the shop; checked on the text, so parsing never recurses further. */
export const MAX_JSON_DEPTH = 32;

/** Parse a JSON body; only `application/json` is accepted (a cross-site form cannot send it). */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const { type, utf8 } = mediaType(c.req.header("content-type"));
  if (type !== "application/json" || !utf8) throw new InputError("content-type", "content-type must be application/json (UTF-8)");
  const parsed = schema.safeParse(readJson(new Uint8Array(await c.req.arrayBuffer())));
  if (!parsed.success) throw fieldError(parsed.error);
  return parsed.data;
}

/** A JSON body's value; InputError when it is not UTF-8, too deep, not JSON, or holds unreadable text. */
export function readJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new InputError("body", "unreadable request: the body is not UTF-8");
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new InputError("body", `body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError("body", "body is not valid JSON");
  }
  const bad = unreadableString(value, "");
  if (bad) throw new InputError(bad.path || "body", `${bad.path || "body"} ${bad.problem}`);
  return value;
}

/** The deepest nesting of arrays and objects in a JSON text, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") max = Math.max(max, ++depth);
    else if (ch === "]" || ch === "}") depth--;
  }
  return max;
}

/** The first string (key or value) that is not readable text, with its path like `items[0].sku`. */
function unreadableString(value: unknown, path: string): { path: string; problem: string } | null {
  if (typeof value === "string") {
    const problem = textProblem(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = unreadableString(item, `${path}[${i}]`);
      if (bad) return bad;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      const problem = textProblem(key);
      if (problem) return { path: at, problem: `(a key) ${problem}` };
      const bad = unreadableString(item, at);
      if (bad) return bad;
    }
  }
  return null;
}

/** Parse query parameters. */
export function query<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw fieldError(parsed.error);
  return parsed.data;
}
