/** Request parsing with schemas: bad input becomes a 400 naming the field, before anything runs. */
import type { Context } from "hono";
import type { z } from "zod";
import { InputError } from "../../actors/contracts/errors.ts";
import { fieldError } from "./http-errors.ts";

/** Parse a JSON body; only `application/json` is accepted (a cross-site form cannot send it). */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  if (!c.req.header("content-type")?.toLowerCase().startsWith("application/json")) {
    throw new InputError("content-type", "content-type must be application/json");
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new InputError("body", "body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fieldError(parsed.error);
  return parsed.data;
}

/** Parse query parameters. */
export function query<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw fieldError(parsed.error);
  return parsed.data;
}
