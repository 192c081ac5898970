/**
 * Sends raw request bytes over a fresh TCP connection and reads what comes back: the
 * status, whether the server closed without answering, or nothing within the time allowed.
 * No HTTP client in between, so a malformed request reaches the server as it was written.
 */
import { connect } from "node:net";

export type Outcome =
  | { kind: "answer"; status: number; ours: boolean }
  | { kind: "closed" }
  | { kind: "hang"; phase: "head" | "body" };

/** Answers by our app carry this header (secureHeaders); the HTTP parser's own do not. */
const OURS = /\r\nx-content-type-options:/i;

/** Sends `bytes` to 127.0.0.1:`port`; for a stream, the answer's head is enough. */
export function send(port: number, bytes: Uint8Array, opts: { stream: boolean; timeoutMs: number }): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = Buffer.alloc(0);
    let head: { status: number; ours: boolean } | null = null;
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: "hang", phase: head ? "body" : "head" }), opts.timeoutMs);
    socket.on("connect", () => socket.write(bytes, () => {}));
    socket.on("data", (chunk: Buffer) => {
      if (head) return;
      received = Buffer.concat([received, chunk]);
      const text = received.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      head = { status, ours: OURS.test(text.slice(0, end + 2)) };
      if (opts.stream || /\r\ncontent-type: text\/event-stream/i.test(text.slice(0, end))) finish({ kind: "answer", ...head });
    });
    // the server may close once it has answered, while we are still writing a body it refused
    socket.on("error", () => finish(head ? { kind: "answer", ...head } : { kind: "closed" }));
    socket.on("close", () => finish(head ? { kind: "answer", ...head } : { kind: "closed" }));
  });
}
