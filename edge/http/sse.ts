/**
 * Server-sent events shared by the live pages: a push stream with comment heartbeats and
 * the message framing htmx's hx-sse extension parses.
 *
 * Near the metal, since a process holds thousands of these: a frame is encoded once and
 * its bytes enqueued on every stream that carries it, and one timer per heartbeat period
 * beats every open stream (a timer per stream costs memory and wake-ups).
 */

/** One unnamed SSE message (htmx swaps it); every line of data gets its own `data:` field. */
export function sseMessage(data: string, id?: number): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join("\n");
  return `${id === undefined ? "" : `id: ${id}\n`}${lines}\n\n`;
}

const encoder = new TextEncoder();

/** A frame's bytes, to enqueue on as many streams as carry it. */
export const encodeFrame = (text: string): Uint8Array => encoder.encode(text);

const CONNECTED = encodeFrame(": connected\n\n");
const KEEP_ALIVE = encodeFrame(": keep-alive\n\n");

/** The streams each heartbeat period beats, with the one timer that does it. */
const beats = new Map<number, { streams: Set<(bytes: Uint8Array) => void>; timer: ReturnType<typeof setInterval> }>();

function beatEvery(ms: number, send: (bytes: Uint8Array) => void): () => void {
  let beat = beats.get(ms);
  if (!beat) {
    const streams = new Set<(bytes: Uint8Array) => void>();
    beat = { streams, timer: setInterval(() => { for (const s of streams) s(KEEP_ALIVE); }, ms) };
    beats.set(ms, beat);
  }
  const { streams, timer } = beat;
  streams.add(send);
  return () => {
    streams.delete(send);
    if (streams.size > 0) return;
    clearInterval(timer);
    beats.delete(ms);
  };
}

let open = 0;

/** The push streams this process has open now (live pages being watched). */
export const openStreams = () => open;

/** Sends a frame: text is encoded for this stream alone, bytes may be shared by many. */
export type Send = (frame: string | Uint8Array) => void;

/**
 * A push stream: `begin` starts the feed and returns its stop function. Enqueueing is
 * synchronous, so frames leave in the order they were sent. Stops on request abort or
 * when the reader cancels (Bun cancels the body when the client disconnects).
 */
export function eventStream(
  signal: AbortSignal,
  heartbeatMs: number,
  begin: (send: Send) => () => void,
): ReadableStream<Uint8Array> {
  let stopped = false;
  let stop = () => void (stopped = true);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send: Send = (frame) => {
        if (stopped) return;
        try {
          controller.enqueue(typeof frame === "string" ? encodeFrame(frame) : frame);
        } catch {
          stop(); // the stream was closed under us
        }
      };
      const onAbort = () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      // Bun sends a streamed response's headers with its first chunk: a comment at once
      // lets the browser see the stream open instead of waiting for the first heartbeat.
      send(CONNECTED);
      const close = begin(send);
      if (!stopped) open++; // the stop below counts it out
      const unbeat = stopped ? () => {} : beatEvery(heartbeatMs, send);
      stop = () => {
        if (stopped) return;
        stopped = true;
        open--;
        unbeat();
        close();
        signal.removeEventListener("abort", onAbort);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort);
    },
    cancel: () => stop(),
  });
}

/** The response that carries an event stream past caches and buffering proxies. */
export function sseResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no", // nginx would otherwise hold the stream in its buffer
    },
  });
}
