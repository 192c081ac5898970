/** For tests of live pages: an SSE reader that parses frames as hx-sse.js does, and a pub/sub that counts subscribers. */
import type { PubSub } from "../actors/runtime/pubsub.ts";

export type Frame = { id?: string; data: string; comment?: string };

/** A reader of `res`'s event stream: next frame, next message (skipping heartbeats), cancel. */
export function sseReader(res: Response) {
  if (!res.body) throw new Error("no body");
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(): Promise<Frame> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return parseFrame(block);
        }
        const { done, value } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += decoder.decode(value, { stream: true });
      }
    },
    /** The next frame that is a message, skipping heartbeats. */
    async message(): Promise<Frame> {
      for (;;) {
        const frame = await this.next();
        if (frame.comment === undefined) return frame;
      }
    },
    cancel: () => reader.cancel(),
  };
}

function parseFrame(block: string): Frame {
  const frame: Frame = { data: "" };
  const data: string[] = [];
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    const [field, value] = colon < 0 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, "")];
    if (field === "") frame.comment = value;
    else if (field === "id") frame.id = value;
    else if (field === "data") data.push(value);
  }
  frame.data = data.join("\n");
  return frame;
}

/** `real`, counting its live subscriptions (`live`), to see streams let go of theirs. */
export function countingPubSub(real: PubSub): PubSub & { readonly live: number } {
  let live = 0;
  return {
    publish: real.publish,
    subscribe(subject, fn) {
      live++;
      const off = real.subscribe(subject, fn);
      return () => (live--, off());
    },
    get live() {
      return live;
    },
  };
}
