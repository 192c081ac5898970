/** The alerts' parameters as the API and the console read them (query string, path, form or JSON body). */
import type { Context } from "hono";
import { z } from "zod";
import { InputError } from "../../actors/contracts/errors.ts";
import { ALERT_KINDS } from "../../actors/ops/alert-rules.ts";
import { blankIsAny } from "./query-fields.ts";

export const AlertKindField = blankIsAny(z.enum(ALERT_KINDS));
/** The reason an acknowledgement gives: optional, at most 500 characters. */
export const AckReason = z.string().trim().max(500).default("");

/** The `:id` of an alert's route: a positive integer, else a 400 naming it. */
export function alertIdOf(c: Context): number {
  const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).safeParse(c.req.param("id"));
  if (!id.success) throw new InputError("id", "id: must be a positive integer");
  return id.data;
}
