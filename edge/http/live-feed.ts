/**
 * A live feed: one pub/sub subject streamed to a page as server-sent events. It subscribes
 * before the page loads what it shows, so a change committed in between is buffered, not
 * lost; once the stream starts, the loaded item and then every message go through the
 * page's `frame`, in order. The feed ends when the client goes away or the server stops.
 */
import type { Context } from "hono";
import { log } from "../../actors/runtime/log.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import { keepStreamOpen } from "../adapters/bun.ts";
import { eventStream, sseResponse } from "./sse.ts";

/** Comment heartbeat period; below Bun's 10 s idle timeout and proxies' read timeouts. */
export const HEARTBEAT_MS = 5_000;

type Options<T> = {
  subject: string;
  /** The message as this feed's item, or undefined for one that is not (it is dropped). */
  parse: (data: unknown) => T | undefined;
  /** What the log says of a dropped message. */
  dropped: string;
};

/** An SSE frame for an item, or null when the page would not change. */
export type Frame<T> = (item: T) => string | null;

/** Subscribes to `subject` at once; `respond` starts the stream, `close` lets go without one. */
export function openLiveFeed<T>(pubsub: PubSub, { subject, parse, dropped }: Options<T>) {
  const buffered: T[] = [];
  let deliver = (item: T) => void buffered.push(item);
  const close = pubsub.subscribe(subject, (data) => {
    const item = parse(data);
    if (item === undefined) log.warn(dropped, { subject });
    else deliver(item);
  });
  return {
    close,
    /** What `read` resolves to; the subscription ends when it fails. */
    async load<R>(read: () => Promise<R>): Promise<R> {
      try {
        return await read();
      } catch (e) {
        close();
        throw e;
      }
    },
    /** The event stream: `current`, then each message, as `frame` renders them. */
    respond(c: Context, current: T, frame: Frame<T>, heartbeatMs = HEARTBEAT_MS): Response {
      keepStreamOpen(c);
      return sseResponse(eventStream(c.req.raw.signal, heartbeatMs, (send) => {
        deliver = (item) => {
          const text = frame(item);
          if (text !== null) send(text);
        };
        for (const item of [current, ...buffered.splice(0)]) deliver(item);
        return close;
      }));
    },
  };
}

/** Last-Event-ID as we issue it (a non-negative integer); anything else means "from the start". */
export function lastEventId(c: Context): number {
  const text = c.req.header("last-event-id")?.trim() ?? "";
  return /^\d{1,9}$/.test(text) ? Number(text) : 0;
}
