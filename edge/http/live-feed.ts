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
 * (`once`). The fan-out runs after the publisher has returned, so the command that caused
 * it never waits; it yields to the event loop only after FAN_OUT_SLICE_MS of CPU, so pages
 * keep answering during a very large one. A yield is dear: what waits in the event loop
 * (a saga batch on the embedded database, a page) runs whole before the fan-out resumes,
 * so 10,000 streams, a few milliseconds of enqueueing, go out in one slice.
 */
import type { Context } from "hono";
import { log } from "../../actors/runtime/log.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import { keepStreamOpen } from "../adapters/bun.ts";
import { encodeFrame, eventStream, sseResponse } from "./sse.ts";

/** Comment heartbeat period; below Bun's 10 s idle timeout and proxies' read timeouts. */
export const HEARTBEAT_MS = 5_000;

/**
 * The CPU time a fan-out may spend before it yields to the event loop, ms: 10,000 streams
 * take 10-25 ms of it (the sockets are written after the slice, in its microtasks).
 */
export const FAN_OUT_SLICE_MS = 50;

/** Streams served between two looks at the CPU time a fan-out has spent. */
export const FAN_OUT_CHECK = 256;

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
  private parsed = false;
  private item: unknown;
  private frames = new Map<string, Uint8Array>();
  constructor(private readonly data: unknown) {}
  /** The message as an item, parsed by the first feed that asks (the rest get its answer). */
  itemOf<T>(parse: (data: unknown) => T | undefined, dropped: () => void): T | undefined {
    if (!this.parsed) {
      this.parsed = true;
      this.item = parse(this.data);
      if (this.item === undefined) dropped();
    }
    return this.item as T | undefined;
  }
  // thousands of streams ask for the same key: one lookup each, no closure made here
  readonly once: Once = (key, make) => {
    let bytes = this.frames.get(key);
    if (bytes === undefined) this.frames.set(key, (bytes = encodeFrame(make())));
    return bytes;
  };
}

type Listener = (shared: Shared) => void;
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

/**
 * CPU time this thread has used, ms. A slice is measured in the event loop's own CPU: a
 * loaded machine (wall time) or the collector's threads (the process's CPU) do not cut it short.
 */
function cpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

/** Each queued message, in order, to the feeds watching when it is taken up. */
async function fanOut(subject: string, hub: Hub): Promise<void> {
  try {
    while (hub.queue.length > 0) {
      const shared = new Shared(hub.queue.shift());
      const listeners = [...hub.listeners];
      let yielded = false;
      let sliceEnds = cpuMs() + FAN_OUT_SLICE_MS;
      for (let i = 0; i < listeners.length; i++) {
        const listener = listeners[i]!;
        if (yielded && !hub.listeners.has(listener)) continue; // gone while the fan-out yielded
        try {
          listener(shared);
        } catch (error) {
          log.warn("live feed: a stream could not take a message", { subject, error });
        }
        // reading the clock costs a few microseconds: it is read every FAN_OUT_CHECK streams
        if ((i + 1) % FAN_OUT_CHECK !== 0 || cpuMs() < sliceEnds) continue;
        await new Promise<void>((resume) => setImmediate(resume));
        yielded = true;
        sliceEnds = cpuMs() + FAN_OUT_SLICE_MS;
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
  const drop = () => log.warn(dropped, { subject });
  const close = listen(pubsub, subject, (shared) => {
    const item = shared.itemOf(parse, drop);
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
        deliver(current, new Shared(current).once);
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
