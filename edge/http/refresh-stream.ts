/**
 * A live region fed by re-reading: on every message of its subjects the page's region is
 * rendered again from the database and sent as one SSE message. Messages that arrive while
 * it renders or waits make one more render, not one each (a bulk action announces
 * hundreds); with `everyMs`, renders are at least that far apart, so a burst of orders
 * costs one render per period however many messages it brings.
 */
import type { Context } from "hono";
import { log } from "../../actors/runtime/log.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import { keepStreamOpen } from "../adapters/bun.ts";
import { HEARTBEAT_MS } from "./live-feed.ts";
import { eventStream, sseMessage, sseResponse } from "./sse.ts";

type Options = {
  /** the shortest time between two renders */
  everyMs?: number;
  /** render once as the stream opens: what changed between the page's read and the subscription shows at once */
  initial?: boolean;
};

/**
 * `render` returns the message's HTML, or null when there is nothing to send; it is told
 * when the first message it answers was heard (what it reads must be newer).
 */
export function refreshStream(
  c: Context, pubsub: PubSub, subject: string | string[], render: (since: number) => Promise<string | null>, { everyMs = 0, initial = false }: Options = {},
): Response {
  keepStreamOpen(c);
  return sseResponse(eventStream(c.req.raw.signal, HEARTBEAT_MS, (send) => {
    let rendering = Promise.resolve();
    let queued = false;
    let closed = false;
    let last = 0;
    let heard = 0;
    let pause: { timer: ReturnType<typeof setTimeout>; done(): void } | null = null;
    const changed = () => {
      if (queued) return;
      queued = true;
      heard = Date.now();
      rendering = rendering.then(async () => {
        const wait = last + everyMs - Date.now();
        if (wait > 0) await new Promise<void>((done) => (pause = { timer: setTimeout(done, wait), done }));
        pause = null;
        queued = false;
        if (closed) return;
        last = Date.now();
        const html = await render(heard);
        if (html !== null) send(sseMessage(html));
      }).catch((error: unknown) => log.warn("live region could not render", { subject, error }));
    };
    const stops = [subject].flat().map((s) => pubsub.subscribe(s, changed));
    if (initial) changed();
    return () => {
      closed = true;
      for (const stop of stops) stop();
      // a render waiting out its pause is let go at once, and renders nothing
      if (pause) {
        clearTimeout(pause.timer);
        pause.done();
      }
    };
  }));
}
