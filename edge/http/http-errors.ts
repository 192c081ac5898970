/**
 * Maps failures to answers: 400 names the field, 404, 409 names the order's status (or the
 * refusal's code outside orders), 503 when a dependency is down.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { CodedConflict, Conflict, InputError, NotFound, OrderConflict } from "../../actors/contracts/errors.ts";
import { isUnavailable } from "../../actors/runtime/unavailable.ts";
import { currentCorrelationId, log } from "../../actors/runtime/log.ts";

/** The one error handler of every Hono app: the answer for `err`, logged when it is unexpected. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof HTTPException) return err.getResponse();
  if (err instanceof ZodError) err = fieldError(err);
  if (err instanceof InputError) return c.json({ error: err.message, field: err.field }, 400);
  if (err instanceof NotFound) return c.json({ error: err.message }, 404);
  if (err instanceof OrderConflict) return c.json({ error: err.message, status: err.status }, 409);
  if (err instanceof CodedConflict) return c.json({ error: err.message, code: err.code }, 409);
  if (isUnavailable(err)) {
    c.header("Retry-After", "5");
    return c.json({ error: "a dependency is unavailable, nothing was changed; try again shortly" }, 503);
  }
  // a real fault: the log line and the answer carry the same correlation id, to find one from the other
  const correlationId = currentCorrelationId();
  log.error("unhandled", { method: c.req.method, path: c.req.path, error: err });
  if (correlationId) c.header("X-Correlation-Id", correlationId);
  return c.json({ error: "internal error", correlationId: correlationId ?? null }, 500);
}

/** The first issue of a schema failure, with its path written like `items[0].qty`. */
export function fieldError(err: ZodError, prefix = ""): InputError {
  const issue = err.issues[0];
  const path = (issue?.path ?? []).reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    prefix,
  );
  return new InputError(path || "body", `${path || "body"}: ${issue?.message ?? "invalid"}`);
}

/**
 * A failure that is the visitor's (bad input, nothing there, a refused change) as the
 * status onError gives it and its words, for pages that answer with HTML; null for others.
 */
export function refusal(err: unknown): { status: 400 | 404 | 409; message: string } | null {
  if (err instanceof ZodError) err = fieldError(err);
  if (err instanceof InputError) return { status: 400, message: err.message };
  if (err instanceof NotFound) return { status: 404, message: err.message };
  if (err instanceof Conflict) return { status: 409, message: err.message };
  return null;
}

/** A browser asking for a page gets HTML; the API, and clients that do not ask for HTML, get JSON. */
export const wantsHtml = (path: string, accept = "") => !path.startsWith("/api/") && path !== "/api" && accept.includes("text/html");
