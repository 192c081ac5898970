/**
 * Server-sent events shared by the live pages: a push stream with comment heartbeats and
 * the message framing htmx's hx-sse extension parses.
 */

/** One unnamed SSE message (htmx swaps it); every line of data gets its own `data:` field. */
export function sseMessage(data: string, id?: number): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join("\n");
  return `${id === undefined ? "" : `id: ${id}\n`}${lines}\n\n`;
}

let open = 0;

/** The push streams this process has open now (live pages being watched). */
export const openStreams = () => open;

/**
 * A push stream: `begin` starts the feed and returns its stop function. Enqueueing is
 * synchronous, so frames leave in the order they were sent. Stops on request abort or
 * when the reader cancels (Bun cancels the body when the client disconnects).
 */
export function eventStream(
  signal: AbortSignal,
  heartbeatMs: number,
  begin: (send: (text: string) => void) => () => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stopped = false;
  let stop = () => void (stopped = true);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (stopped) return;
        try {
          controller.enqueue(encoder.encode(text));
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
      send(": connected\n\n");
      const close = begin(send);
      if (!stopped) open++; // the stop below counts it out
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), heartbeatMs);
      stop = () => {
        if (stopped) return;
        stopped = true;
        open--;
        clearInterval(heartbeat);
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
