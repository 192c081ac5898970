/**
 * Live fan-out over NATS core subjects for distributed mode: each edge process holds one
 * connection, so an update published by any process reaches the SSE streams of all of them.
 *
 * Best effort, like the in-process PubSub: live updates are a hint to re-render, the database
 * is the truth. So while the connection is down we drop updates instead of letting the client
 * buffer them (it would discard the buffer at the next dial anyway), and nothing here throws
 * into the caller, which publishes after its commit and must not be failed by a broker.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { log } from "../log.ts";
import type { PubSub } from "../pubsub.ts";

export type NatsPubSub = PubSub & { close(): Promise<void> };

/** Connects to NATS at `url` (rejects if it is unreachable now) and reconnects forever after. */
export async function natsPubSub(url: string): Promise<NatsPubSub> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name: "saga-shop",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      // notice a silently dead connection in ~30 s rather than the default 4 minutes
      pingInterval: 10_000,
      maxPingOut: 3,
    });
  } catch (err) {
    throw new Error(`NATS is not reachable at ${url}: ${err instanceof Error ? err.message : err}`, { cause: err });
  }

  let up = true;
  const warned = new Set<string>();
  const warnOnce = (reason: string, err?: unknown) => {
    if (warned.has(reason)) return;
    warned.add(reason);
    log.warn(`nats pubsub: ${reason}`, { url, error: err });
  };
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") up = false;
      if (s.type === "reconnect") {
        up = true;
        warned.clear(); // the next outage is worth a line of its own
      }
    }
  })();

  return {
    publish(subject, data) {
      if (!up) return warnOnce("disconnected, dropping live updates until it reconnects");
      try {
        nc.publish(subject, JSON.stringify(data) ?? "null");
      } catch (err) {
        warnOnce(`publish failed (${err instanceof Error ? err.name : "error"}), dropping`, err);
      }
    },
    subscribe(subject, fn) {
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return warnOnce(`subscription to ${subject} failed`, err);
          let data: unknown;
          try {
            data = JSON.parse(msg.string());
          } catch {
            return warnOnce(`a message on ${subject} is not JSON, skipped`);
          }
          try {
            fn(data);
          } catch {
            // one broken subscriber must not stop the others
          }
        },
      });
      return () => {
        if (!sub.isClosed() && !nc.isClosed()) sub.unsubscribe();
      };
    },
    async close() {
      if (nc.isClosed()) return;
      // drain delivers what is in flight, but would wait for a server that is down
      if (up) await nc.drain().catch(() => nc.close());
      else await nc.close();
    },
  };
}
