/** A posted form's fields; a body that does not parse as a form is the visitor's error (400), not ours. */
import type { Context } from "hono";
import { InputError } from "../../actors/contracts/errors.ts";

export async function formOf(c: Context): Promise<Record<string, unknown>> {
  try {
    return await c.req.parseBody();
  } catch {
    throw new InputError("body", "body: not a readable form");
  }
}
