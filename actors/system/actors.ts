/**
 * The actors role: every kind of actors/kinds.ts as a runner over the same dependencies,
 * one actor group reading the log as one consumer group (a message is fetched and parsed
 * once, and a batch commits every kind's share in one transaction), and the metrics of
 * what the consumers hold.
 */
import { orderKind, participantKinds, type KindHooks } from "../kinds.ts";
import type { OrderInput } from "../order.ts";
import type { OrderRejection, OrderState } from "../order-state.ts";
import type { OrderTimer } from "../contracts/index.ts";
import { providerCaller } from "../providers/caller.ts";
import type { PaymentProvider, ProviderCall, ShippingProvider } from "../providers/ports.ts";
import { ActorGroup } from "../runtime/actor-group.ts";
import type { Consumer } from "../runtime/bus.ts";
import { metered, type ShopMetrics } from "../runtime/metrics.ts";
import { Runner, type RunnerDeps } from "../runtime/runner.ts";
import { startStep } from "../runtime/startup.ts";
import { databaseName, type Config } from "./config.ts";
import type { Engines } from "./engines.ts";

/** the consumer group every actors process joins */
export const GROUP = "actors";

export type Providers = { payment: PaymentProvider; shipping: ShippingProvider };

export type Actors = {
  /** the order kind's runner: the edge's commands go through it */
  order: Runner<OrderState, OrderInput, undefined, unknown, OrderTimer, never, OrderRejection>;
  /** finish the batches in hand and commit their offsets */
  stop(): Promise<void>;
};

/** Bind every kind to the engines; consume the log when this process plays the actors role. */
export async function startActors(config: Config, e: Engines, providers: Providers, meters: ShopMetrics, hooks: KindHooks): Promise<Actors> {
  // The log carries what some kind reads there: a status change only the projector (which
  // follows the order) or nobody reads stays in the order's state and timeline.
  let group: ActorGroup | undefined;
  const deps: RunnerDeps<ProviderCall> = {
    sql: e.database.sql, call: providerCaller(providers, config.stepTimeoutMs), now: () => new Date(),
    maxAttempts: config.maxAttempts, onOutbox: e.outboxWritten, onParked: hooks.deadLettered, onTimer: (at) => e.timers?.schedule(at), metrics: meters,
    published: (env) => group?.reads(env) ?? true,
  };
  const k = participantKinds(hooks);
  // The order's read model and alerts move with the order, in its transactions (no trip through the log).
  const order = new Runner(orderKind(config), deps, [new Runner(k.projector, deps)]);
  group = new ActorGroup([
    order, new Runner(k.inventory, deps), new Runner(k.payment, deps), new Runner(k.shipping, deps), new Runner(k.notification, deps),
  ], deps);
  if (!config.roles.includes("actors")) return { order, stop: async () => {} };
  const consumer: Consumer = await startStep("joining the consumer group", config.kafkaBrokers ? "kafka" : databaseName(config),
    () => e.bus.consume(GROUP, group.topics, metered(meters, GROUP, (b) => group.handleBatch(b))));
  meters.consumerLag.collect(async () => (await e.bus.lag(GROUP, group.topics))
    .map((l) => ({ labels: { group: GROUP, topic: l.topic, partition: l.partition }, value: l.lag })));
  meters.mailboxDepth.collect(() => [{ labels: { group: GROUP }, value: consumer.depth() }]);
  return { order, stop: () => consumer.stop() };
}
