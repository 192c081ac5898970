/**
 * The client's address, for sign-in limits. Without a proxy it is the connection's peer.
 * Behind our proxy (trustProxy) it is the last X-Forwarded-For hop: nginx appends the peer
 * it saw to whatever the client sent, so earlier hops are the client's own words and
 * would let it pick a fresh address for every guess.
 */
import type { Context } from "hono";
import { UNKNOWN_IP } from "../../actors/accounts/login-limiter.ts";
import { peerAddress } from "../adapters/bun.ts";

/** The client's IP address, or "unknown" when neither the proxy nor the connection tells. */
export function clientIp(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const hop = c.req.header("x-forwarded-for")?.split(",").map((h) => h.trim()).filter(Boolean).at(-1);
    if (hop) return hop.slice(0, 64);
  }
  return peerAddress(c) ?? UNKNOWN_IP;
}
