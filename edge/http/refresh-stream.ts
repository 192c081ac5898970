/**
 * A live region fed by re-reading: on every message of `subject` the page's region is
 * rendered again from the database and sent as one SSE message. Messages that arrive while
 * it renders make one more render, not one each (a bulk action announces hundreds).
 */
import type { Context } from "hono";
import { log } from "../../actors/runtime/log.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import { keepStreamOpen } from "../adapters/bun.ts";
import { HEARTBEAT_MS } from "./live-feed.ts";
import { eventStream, sseMessage, sseResponse } from "./sse.ts";

/** `render` returns the message's HTML, or null when there is nothing to send. */
export function refreshStream(c: Context, pubsub: PubSub, subject: string, render: () => Promise<string | null>): Response {
  keepStreamOpen(c);
  return sseResponse(eventStream(c.req.raw.signal, HEARTBEAT_MS, (send) => {
    let rendering = Promise.resolve();
    let queued = false;
    return pubsub.subscribe(subject, () => {
      if (queued) return;
      queued = true;
      rendering = rendering.then(async () => {
        queued = false;
        const html = await render();
        if (html !== null) send(sseMessage(html));
      }).catch((error: unknown) => log.warn("live region could not render", { subject, error }));
    });
  }));
}
