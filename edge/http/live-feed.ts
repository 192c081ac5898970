/**
 * A live feed: one pub/sub subject streamed to a page as server-sent events. It subscribes
 * before the page loads what it shows, so a change committed in between is buffered, not
 * lost; once the stream starts, the loaded item and then every message go through the
 * page's `frame`, in order. The feed ends when the client goes away or the server stops.
 *
 * Thousands of pages may watch one subject (a popular product's stock), so the work per
 * message is done once, not once per stream: the process subscribes to a subject once
 * however many feeds watch it, parses each message once, and a frame is rendered and
 * encoded once per distinct content and its bytes shared by every stream that sends it
 * (`once`). The fan-out runs after the publisher has returned, in slices that yield to
 * the event loop, so the command that caused it never waits and pages keep answering.
 */
import type { Context } from "hono";
import { log } from "../../actors/runtime/log.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import { keepStreamOpen } from "../adapters/bun.ts";
import { encodeFrame, eventStream, sseResponse } from "./sse.ts";

/** Comment heartbeat period; below Bun's 10 s idle timeout and proxies' read timeouts. */
export const HEARTBEAT_MS = 5_000;

/** Streams served between two yields to the event loop during a fan-out. */
export const FAN_OUT_SLICE = 2000;

type Options<T> = {
  subject: string;
  /**
   * The message as this feed's item, or undefined for one that is not (it is dropped).
   * It may depend on the subject alone: it runs once per message for all of its feeds.
   */
  parse: (data: unknown) => T | undefined;
  /** What the log says of a dropped message. */
  dropped: string;
};

/**
 * The bytes of a frame, made by `make` for the first stream that needs `key` and shared
 * by every other stream the same message reaches. The key names everything the frame
 * shows besides the message itself.
 */
export type Once = (key: string, make: () => string) => Uint8Array;

/** An SSE frame for an item, or null when the page would not change. */
export type Frame<T> = (item: T, once: Once) => Uint8Array | null;

/** What one message has computed so far, shared by the feeds it reaches. */
class Shared {
  private values = new Map<string, unknown>();
  get<V>(key: string, make: () => V): V {
    if (this.values.has(key)) return this.values.get(key) as V;
    const value = make();
    this.values.set(key, value);
    return value;
  }
  readonly once: Once = (key, make) => this.get(`frame:${key}`, () => encodeFrame(make()));
}

type Listener = (data: unknown, shared: Shared) => void;
type Hub = { listeners: Set<Listener>; queue: unknown[]; running: boolean; stop(): void };

/** Per pub/sub, the subjects this process listens to, each with the feeds watching it. */
const hubs = new WeakMap<PubSub, Map<string, Hub>>();

function listen(pubsub: PubSub, subject: string, listener: Listener): () => void {
  let bySubject = hubs.get(pubsub);
  if (!bySubject) hubs.set(pubsub, (bySubject = new Map()));
  let hub = bySubject.get(subject);
  if (!hub) {
    const created: Hub = { listeners: new Set(), queue: [], running: false, stop: () => {} };
    created.stop = pubsub.subscribe(subject, (data) => {
      created.queue.push(data);
      if (created.running) return;
      created.running = true;
      setImmediate(() => void fanOut(subject, created));
    });
    bySubject.set(subject, (hub = created));
  }
  const mine = hub;
  mine.listeners.add(listener);
  return () => {
    if (!mine.listeners.delete(listener) || mine.listeners.size > 0) return;
    mine.stop();
    if (bySubject.get(subject) === mine) bySubject.delete(subject);
  };
}

/** Each queued message, in order, to the feeds watching when it is taken up. */
async function fanOut(subject: string, hub: Hub): Promise<void> {
  try {
    while (hub.queue.length > 0) {
      const data = hub.queue.shift();
      const shared = new Shared();
      let served = 0;
      for (const listener of [...hub.listeners]) {
        if (!hub.listeners.has(listener)) continue; // gone while the fan-out yielded
        try {
          listener(data, shared);
        } catch (error) {
          log.warn("live feed: a stream could not take a message", { subject, error });
        }
        if (++served % FAN_OUT_SLICE === 0) await new Promise<void>((resume) => setImmediate(resume));
      }
    }
  } finally {
    hub.running = false;
  }
}

/** Subscribes to `subject` at once; `respond` starts the stream, `close` lets go without one. */
export function openLiveFeed<T>(pubsub: PubSub, { subject, parse, dropped }: Options<T>) {
  const buffered: [T, Once][] = [];
  let deliver = (item: T, once: Once) => void buffered.push([item, once]);
  const close = listen(pubsub, subject, (data, shared) => {
    const item = shared.get("item", () => {
      const parsed = parse(data);
      if (parsed === undefined) log.warn(dropped, { subject });
      return parsed;
    });
    if (item !== undefined) deliver(item, shared.once);
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
        deliver = (item, once) => {
          const bytes = frame(item, once);
          if (bytes !== null) send(bytes);
        };
        deliver(current, new Shared().once);
        for (const [item, once] of buffered.splice(0)) deliver(item, once);
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
