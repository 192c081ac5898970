/**
 * Error pages as the edge sends them: inside the visitor's usual header (search, cart,
 * account, currency), so a wrong link is not a dead end.
 */
import type { Context } from "hono";
import { log } from "../../actors/runtime/log.ts";
import { ErrorPage } from "../../views/error-page.tsx";
import { renderDocument, type Shell } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 503;

/**
 * This request's page shell, or undefined when it cannot be had: an app without
 * `pageShell`, or a cart count that failed. An error page must render either way.
 */
export async function shellOf(c: Context<AuthEnv>): Promise<Shell | undefined> {
  try {
    return await c.var.shell?.();
  } catch (error) {
    log.warn("error page without its header", { path: c.req.path, error });
    return undefined;
  }
}

/** A full error page; `Cache-Control` as given, else no cache may keep it. */
export async function sendErrorPage(
  c: Context<AuthEnv>, status: ErrorStatus, title: string, message: string, cache = "no-store",
): Promise<Response> {
  const page = <ErrorPage title={title} message={message} shell={await shellOf(c)} />;
  c.header("Cache-Control", cache);
  return c.html(renderDocument(page), status);
}

/** 404 for an order that is not there or not this customer's: the two look the same. */
export const orderNotFound = (c: Context<AuthEnv>) =>
  sendErrorPage(c, 404, "Order not found", "We could not find that order in your account.");
