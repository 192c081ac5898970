/**
 * A message the live shop cannot process, for the dead-letter tests: an answer for an order
 * whose read model is gone. The order would move, and its read model moves with it in the
 * same transaction (actors/runtime/runner.ts, followers), but there is none to move - so
 * every try fails ("status change for <key> before its creation") until it is parked, and
 * a replay fails the same way.
 */
import { envelope, topicOf, type Envelope } from "../actors/contracts/index.ts";
import { orderStore } from "../actors/stores.ts";
import { LINES, order, PLACE } from "../actors/testing/test-kit.ts";
import { outbox } from "../db/schema.ts";
import type { Shop } from "./kit.ts";

export async function sendUnprocessable(shop: Pick<Shop, "sys">, key: string): Promise<Envelope> {
  if (PLACE.type !== "Place") throw new Error("PLACE places an order");
  const placed = order.decide(null, { kind: "command", command: { ...PLACE, orderId: key } }, { now: new Date(), res: undefined, result: undefined });
  if (placed.kind !== "ok" || !placed.state) throw new Error("the order was not placed");
  // the order alone, as if its read model had been lost
  const { text, params } = orderStore.creating!([[key, placed.state]], new Date());
  await shop.sys.database.sql.query(text, params);
  const env = envelope({
    type: "inventory.InventoryReserved.v1",
    payload: { orderId: key, lines: LINES, attempt: 1 },
  }, key, new Date(), null, crypto.randomUUID());
  await shop.sys.database.db.insert(outbox).values({ eventId: env.eventId, topic: topicOf(env.type), key: env.key, type: env.type, message: JSON.stringify(env) });
  shop.sys.relay?.wake();
  return env;
}
