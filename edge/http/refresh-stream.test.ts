import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { memoryPubSub } from "../../actors/runtime/pubsub.ts";
import { sseReader } from "../../test/sse.ts";
import { refreshStream } from "./refresh-stream.ts";

/** A stream of "render n" messages over subjects a and b, and how many renders it made. */
function stream(options: Parameters<typeof refreshStream>[4]) {
  const pubsub = memoryPubSub();
  const seen = { renders: 0, since: [] as number[] };
  const app = new Hono().get("/s", (c) => refreshStream(c, pubsub, ["a", "b"], async (since) => {
    seen.since.push(since);
    return `render ${++seen.renders}`;
  }, options));
  return { pubsub, seen, open: async () => sseReader(await app.request("/s")) };
}

describe("a live region re-read on change", () => {
  test("a burst of messages on any of its subjects is one render, told when the burst was heard", async () => {
    const { pubsub, seen, open } = stream({});
    const sse = await open();
    await sse.next(); // open and subscribed
    const before = Date.now();
    for (let i = 0; i < 100; i++) pubsub.publish(i % 2 === 0 ? "a" : "b", {});
    expect((await sse.message()).data).toBe("render 1");
    pubsub.publish("b", {});
    expect((await sse.message()).data).toBe("render 2");
    expect(seen.renders).toBe(2);
    expect(seen.since[0]).toBeGreaterThanOrEqual(before);
    await sse.cancel();
  });

  test("with `initial` it renders as it opens; within `everyMs` of a render the next one waits, and a closed stream renders nothing", async () => {
    const { pubsub, seen, open } = stream({ initial: true, everyMs: 60_000 });
    const sse = await open();
    await sse.next();
    expect((await sse.message()).data).toBe("render 1");
    pubsub.publish("a", {});
    pubsub.publish("b", {});
    await Bun.sleep(50);
    expect(seen.renders).toBe(1); // the second waits out the minute
    await sse.cancel();
    await Bun.sleep(10);
    expect(seen.renders).toBe(1); // and, the stream gone, never comes
  });
});
