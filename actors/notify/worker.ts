/**
 * The delivery worker of an actors process: runs `deliverDue` whenever the notification kind
 * queued messages (`wake`), and at least every `tickMs` for the retries that came due.
 */
import type { Sql } from "../../db/sql.ts";
import { loopWithBackoff } from "../runtime/backoff.ts";
import { log } from "../runtime/log.ts";
import { Signal } from "../runtime/signal.ts";
import { deliverDue, type ChannelPorts, type DeliveryConfig } from "./delivery.ts";

export type DeliveryWorker = {
  /** messages were queued: deliver now rather than at the next tick */
  wake(): void;
  stop(): Promise<void>;
};

export function startDelivery(sql: Sql, ports: ChannelPorts, cfg: DeliveryConfig & { tickMs: number }): DeliveryWorker {
  const signal = new Signal();
  let stopping = false;
  const done = loopWithBackoff(() => stopping, async () => {
    const r = await deliverDue(sql, ports, cfg, new Date());
    if (r.failed > 0) log.warn("messages failed after their last attempt", { failed: r.failed });
    // a full batch: more may be due at once
    if (r.sent + r.failed < cfg.batch) await signal.wait(cfg.tickMs);
  }, (err) => log.warn("message delivery failed", { error: err }), { maxMs: 5_000 });
  return {
    wake: () => signal.notify(),
    async stop() {
      stopping = true;
      signal.notify();
      await done;
    },
  };
}
