/**
 * The payment and shipping simulators as one small HTTP service. In distributed mode the
 * actors run as several processes that may be killed at any moment; the card processor and
 * the carrier must outlive them and keep one ledger, like real ones, so they live here.
 *
 *   POST /payment/authorize  {"idempotencyKey", "input": AuthorizeInput} -> PaymentResult
 *   POST /payment/capture    {"idempotencyKey", "input": PaymentRef}     -> PaymentResult
 *   POST /payment/refund     {"idempotencyKey", "input": PaymentRef}     -> PaymentResult
 *   POST /shipping/ship      {"idempotencyKey", "input": ShipInput}      -> ShippingResult
 *   POST /payment/lookup     {"op", "idempotencyKey"} -> {"found": false} | {"found": true, "answer": PaymentResult}
 *   POST /shipping/lookup    {"op": "ship", "idempotencyKey"} -> the same with a ShippingResult
 *   POST /lose-answers       {"loseAnswers": ["authorize" | "capture" | "refund" | "ship", ...]} -> the same
 *   GET  /ledger[?orderId=]     -> LedgerEntry[]   (every money movement, oldest first)
 *   GET  /shipments[?orderId=]  -> Shipment[]      (every booked parcel, oldest first)
 *   GET  /faults, POST /faults {delay?, delayMs?, lost?, twice?} -> the faults in force and
 *        what they did (see provider-faults.ts)
 *
 * A decline is an answer (200 `{"ok": false, "code", "reason"}`: the code from the port's
 * list decides, the reason is the simulator's words); a malformed request is 400
 * `{"error", "field"}`. `tok_timeout` never answers: the client's timeout handles it.
 * A lookup answers what the key was answered before, or `found: false` when nothing was
 * done under it. `/lose-answers` sets the operations whose answers are lost: the work is done and
 * kept, the call never answers (a lookup finds it), as when a reply is lost in the network.
 *
 * Run as a script: PORT (default 4010), LATENCY_MS, LOSE_ANSWERS (comma-separated operations),
 * PROVIDER_FAULTS.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { Address, Attempt, Line, Money } from "../actors/contracts/index.ts";
import { paymentSimulator, type PaymentSimulator } from "../actors/providers/payment-sim.ts";
import type { AuthorizeInput, PaymentOp, PaymentRef, ShipInput } from "../actors/providers/ports.ts";
import { shippingSimulator, type ShippingSimulator } from "../actors/providers/shipping-sim.ts";
import { onError } from "../edge/http/http-errors.ts";
import { jsonBody } from "../edge/http/validate.ts";
import { faultInjector, faultsFromEnv, ProviderFaults, type FaultInjector } from "./provider-faults.ts";

export type ProviderSim = {
  url: string;
  stop(): Promise<void>;
  payment: PaymentSimulator;
  shipping: ShippingSimulator;
  faults: FaultInjector;
  /** Requests still being handled (a hanging `tok_timeout` is one until its client goes). */
  pendingRequests(): number;
};

const AuthorizeInputSchema = z.object({ amount: Money, currency: z.string().length(3), token: z.string(), attempt: Attempt }) satisfies z.ZodType<AuthorizeInput>;
const PaymentRefSchema = z.object({ paymentId: z.string().min(1), amount: Money }) satisfies z.ZodType<PaymentRef>;
const PaymentOpSchema = z.enum(["authorize", "capture", "refund"]) satisfies z.ZodType<PaymentOp>;
const LookupSchema = <O extends z.ZodTypeAny>(op: O) => z.object({ op, idempotencyKey: z.string().min(1) });
const LostSchema = z.object({ loseAnswers: z.array(z.enum([...PaymentOpSchema.options, "ship"])) });
const ShipInputSchema = z.object({ address: Address, items: z.array(Line), attempt: Attempt, warehouse: z.string().max(16).optional() }) satisfies z.ZodType<ShipInput>;

/** Starts the service; `port: 0` picks a free port (see `url`). */
export function startProviderSim(opts: { port: number; latencyMs?: number; loseAnswers?: Fault[]; faults?: ProviderFaults }): ProviderSim {
  const payment = paymentSimulator({ latencyMs: opts.latencyMs });
  const shipping = shippingSimulator({ latencyMs: opts.latencyMs });
  const setLost = (lose: Fault[]) => {
    payment.loseAnswers.clear();
    for (const op of lose) if (op !== "ship") payment.loseAnswers.add(op);
    shipping.loseAnswers = lose.includes("ship");
    return { loseAnswers: lose };
  };
  setLost(opts.loseAnswers ?? []);
  const faults = faultInjector(opts.faults);
  const app = new Hono()
    .post("/payment/authorize", route(faults, AuthorizeInputSchema, payment.authorize))
    .post("/payment/capture", route(faults, PaymentRefSchema, payment.capture))
    .post("/payment/refund", route(faults, PaymentRefSchema, payment.refund))
    .post("/shipping/ship", route(faults, ShipInputSchema, shipping.ship))
    .post("/payment/lookup", async (c) => {
      const q = await jsonBody(c, LookupSchema(PaymentOpSchema));
      return c.json(found(await payment.lookup(q.op, q.idempotencyKey)));
    })
    .post("/shipping/lookup", async (c) => {
      const q = await jsonBody(c, LookupSchema(z.literal("ship")));
      return c.json(found(await shipping.lookup(q.op, q.idempotencyKey)));
    })
    .post("/lose-answers", async (c) => c.json(setLost((await jsonBody(c, LostSchema)).loseAnswers)))
    .get("/ledger", async (c) => c.json((await payment.ledger()).filter(ofOrder(c.req.query("orderId")))))
    .get("/shipments", async (c) => c.json((await shipping.shipments()).filter(ofOrder(c.req.query("orderId")))))
    .get("/faults", (c) => c.json(faults.get()))
    .post("/faults", async (c) => (faults.set(await jsonBody(c, ProviderFaults)), c.json(faults.get())))
    .onError(onError);

  // Longer than the client's 30 s fetch timeout, so the client decides when a hanging call
  // ends; the server only drops connections whose client vanished without closing them.
  const server = Bun.serve({ port: opts.port, idleTimeout: 60, fetch: app.fetch });
  return {
    url: `http://127.0.0.1:${server.port}`,
    stop: () => server.stop(true),
    payment,
    shipping,
    faults,
    pendingRequests: () => server.pendingRequests,
  };
}

/**
 * A POST handler: parse `{idempotencyKey, input}`, call the simulator, answer its result.
 * A `tok_timeout` answer never settles; when its client goes, Bun aborts the request and
 * drops it from `pendingRequests`, and the stuck handler, referenced by nothing, is collected.
 */
function route<I, R>(faults: FaultInjector, input: z.ZodType<I>, call: (key: string, input: I) => Promise<R>) {
  const body = z.object({ idempotencyKey: z.string().min(1), input });
  return async (c: Context) => {
    const req = await jsonBody(c, body);
    return c.json(await faults.run(req.idempotencyKey, () => call(req.idempotencyKey, req.input)));
  };
}

type Fault = z.infer<typeof LostSchema>["loseAnswers"][number];
const found = <A>(answer: A | null) => (answer === null ? { found: false } : { found: true, answer });

const ofOrder = (orderId: string | undefined) => (r: { orderId?: string }) => orderId === undefined || r.orderId === orderId;

if (import.meta.main) {
  const latency = Number(process.env.LATENCY_MS ?? 0);
  const lose = LostSchema.parse({ loseAnswers: (process.env.LOSE_ANSWERS ?? "").split(",").map((s) => s.trim()).filter(Boolean) }).loseAnswers;
  const sim = startProviderSim({
    port: Number(process.env.PORT ?? 4010), latencyMs: Number.isFinite(latency) ? latency : 0, loseAnswers: lose,
    faults: faultsFromEnv(process.env.PROVIDER_FAULTS),
  });
  console.log(`provider simulator listening on ${sim.url}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => sim.stop().then(() => process.exit(0)));
}
