import { expect, test } from "bun:test";
import { Hono } from "hono";
import { peer } from "../../test/accounts-kit.ts";
import { clientIp } from "./client-ip.ts";

const app = (trustProxy: boolean) => new Hono().get("/ip", (c) => c.text(clientIp(c, trustProxy)));
const ip = async (trustProxy: boolean, headers: Record<string, string>, env?: object) =>
  (await app(trustProxy).request("/ip", { headers }, env)).text();

test("without a proxy: the connection's peer; X-Forwarded-For is the client's own words and is ignored", async () => {
  expect(await ip(false, {}, peer("192.0.2.7"))).toBe("192.0.2.7");
  expect(await ip(false, { "x-forwarded-for": "10.9.9.9" }, peer("192.0.2.7"))).toBe("192.0.2.7");
});

test("behind our proxy: the hop the proxy appended (the last), not what the client put before it", async () => {
  expect(await ip(true, { "x-forwarded-for": "198.51.100.4" }, peer("172.18.0.5"))).toBe("198.51.100.4");
  expect(await ip(true, { "x-forwarded-for": "6.6.6.6, 198.51.100.4" }, peer("172.18.0.5"))).toBe("198.51.100.4");
  expect(await ip(true, {}, peer("172.18.0.5"))).toBe("172.18.0.5");
});

test("no connection to ask and no trusted header: unknown", async () => {
  expect(await ip(false, {})).toBe("unknown");
  expect(await ip(true, { "x-forwarded-for": " , " })).toBe("unknown");
});

test("served by Bun.serve: the real peer address", async () => {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app(false).fetch });
  try {
    expect(await (await fetch(`http://127.0.0.1:${server.port}/ip`)).text()).toBe("127.0.0.1");
  } finally {
    await server.stop(true);
  }
});
