/** The live feed's fan-out: once per subject, once per frame, after the publisher returns, in slices. */
import { afterEach, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { memoryPubSub } from "../../actors/runtime/pubsub.ts";
import { countingPubSub, sseReader } from "../../test/sse.ts";
import { FAN_OUT_CHECK, FAN_OUT_SLICE_MS, openLiveFeed, type Frame } from "./live-feed.ts";
import { sseMessage } from "./sse.ts";

let open: ReturnType<typeof sseReader>[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.cancel()));
  open = [];
});

type Item = { n: number; to: string };

/** A feed app whose frames count their renders; each stream's `who` goes into its frame key when `perStream`. */
function feedApp(pubsub: ReturnType<typeof countingPubSub>, counts: { parsed: number; rendered: number; frames: Uint8Array[] }) {
  return new Hono().get("/feed/:who", (c) => {
    const who = c.req.param("who");
    const feed = openLiveFeed<Item>(pubsub, {
      subject: "test.feed",
      parse: (data) => {
        counts.parsed++;
        const item = data as Item;
        return typeof item?.n === "number" ? item : undefined;
      },
      dropped: "test feed: dropped",
    });
    const frame: Frame<Item> = (item, once) => {
      const key = item.to === "each" ? `${item.n}:${who}` : String(item.n);
      const bytes = once(key, () => (counts.rendered++, sseMessage(`<p>${item.n} ${item.to === "each" ? who : "all"}</p>`)));
      counts.frames.push(bytes);
      return bytes;
    };
    return feed.respond(c, { n: 0, to: "all" }, frame, 60_000);
  });
}

describe("openLiveFeed", () => {
  test("one subscription per subject, one parse and one render per message, the same bytes on every stream", async () => {
    const pubsub = countingPubSub(memoryPubSub());
    const counts = { parsed: 0, rendered: 0, frames: [] as Uint8Array[] };
    const app = feedApp(pubsub, counts);
    const streams = await Promise.all(["a", "b", "c"].map(async (who) => {
      const sse = sseReader(await app.request(`/feed/${who}`));
      open.push(sse);
      expect((await sse.message()).data).toBe("<p>0 all</p>");
      return sse;
    }));
    expect(pubsub.live).toBe(1);

    counts.frames = [];
    counts.rendered = 0;
    pubsub.publish("test.feed", { n: 1, to: "all" });
    for (const sse of streams) expect((await sse.message()).data).toBe("<p>1 all</p>");
    expect(counts.parsed).toBe(1);
    expect(counts.rendered).toBe(1);
    expect(new Set(counts.frames).size).toBe(1); // one buffer, enqueued three times

    // a frame keyed per stream is rendered per stream: sharing follows the key
    pubsub.publish("test.feed", { n: 2, to: "each" });
    expect(await Promise.all(streams.map(async (sse) => (await sse.message()).data))).toEqual(["<p>2 a</p>", "<p>2 b</p>", "<p>2 c</p>"]);
    expect(counts.rendered).toBe(4);

    await Promise.all(streams.map((s) => s.cancel()));
    open = [];
    for (let i = 0; i < 20 && pubsub.live > 0; i++) await Bun.sleep(5);
    expect(pubsub.live).toBe(0);
  });

  test("the publisher returns before any stream hears the message, and a fan-out that spends its slice of CPU yields", async () => {
    const pubsub = countingPubSub(memoryPubSub());
    const heard: number[] = [];
    // every stream's frame spends CPU: the fan-out has spent its slice at each of its looks
    const cpu = () => {
      const { user, system } = process.threadCpuUsage();
      return (user + system) / 1000;
    };
    const spend = (ms: number) => {
      for (const end = cpu() + ms; cpu() < end;);
    };
    const feeds = Array.from({ length: FAN_OUT_CHECK * 2 + 1 }, (_, i) => {
      const feed = openLiveFeed<Item>(pubsub, { subject: "test.slices", parse: (data) => data as Item, dropped: "dropped" });
      const frame: Frame<Item> = (item) => {
        if (item.n === 0) return null;
        spend((FAN_OUT_SLICE_MS * 1.5) / FAN_OUT_CHECK);
        heard.push(i);
        return null;
      };
      const app = new Hono().get("/", (c) => feed.respond(c, { n: 0, to: "all" }, frame, 60_000));
      return app.request("/");
    });
    const responses = await Promise.all(feeds);
    const readers = responses.map((res) => sseReader(res));
    open.push(...readers);

    pubsub.publish("test.slices", { n: 1, to: "all" });
    expect(heard).toEqual([]); // publish returned with nothing delivered
    // a timer set now fires between slices, before the last stream has heard the message
    const between = await new Promise<number>((resolve) => setImmediate(() => setImmediate(() => resolve(heard.length))));
    expect(between).toBeGreaterThan(0);
    expect(between).toBeLessThan(feeds.length);
    for (let i = 0; i < 100 && heard.length < feeds.length; i++) await Bun.sleep(5);
    expect(heard).toEqual(Array.from({ length: feeds.length }, (_, i) => i)); // each once, in the order they subscribed
  });
});
