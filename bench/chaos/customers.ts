/**
 * Who orders what in a chaos run: each order's plan is drawn from the seed and its number
 * alone, so a run replays. The mix covers every test card and destination of the README,
 * scarce products that run out, duplicate POSTs and cancellations at random moments.
 */
import type { Line } from "../../actors/contracts/index.ts";
import { caseRng, type Rng } from "../../test/fuzz/rng.ts";

/** Every card of the README's table, weighted; a number that is not a token is declined as invalid. */
export const CARDS: [token: string, weight: number][] = [
  ["tok_visa", 45], ["tok_mastercard", 15], ["tok_decline", 7], ["tok_insufficient_funds", 5], ["tok_decline_once", 5],
  ["tok_refund_fail", 8], ["tok_timeout", 1], ["4242424242424242", 2], ["tok_amex", 12],
];
/** Every destination rule: undeliverable, rejected once, and ordinary addresses. */
export const POSTAL_CODES: [code: string, weight: number][] = [["00000", 4], ["00001", 4], ["10115", 46], ["N1 9GU", 46]];

export type OrderPlan = {
  index: number;
  customer: string;
  key: string;
  items: Line[];
  card: string;
  postalCode: string;
  /** the edge it goes to first */
  edge: number;
  /** the same POST again: at once on another edge, or after the first answer */
  duplicate: "none" | "together" | "after";
  /** a cancel this long after the order was accepted (0-20 s: before payment, while it waits to ship, after), or none */
  cancelAfterMs: number | null;
};

export type Catalog = { skus: string[]; scarce: string[] };
export type PlanOptions = { seed: number; customers: number; edges: number };

/** Order `index` of run `seed`. */
export function planOrder(o: PlanOptions, catalog: Catalog, index: number): OrderPlan {
  const r = caseRng(o.seed, index);
  const lines = 1 + r.int(3);
  const items = new Map<string, number>();
  for (let i = 0; i < lines; i++) {
    // One line in ten asks for a scarce product: those run out, and an order waits for none.
    const sku = r.chance(0.1) && catalog.scarce.length > 0 ? r.pick(catalog.scarce) : r.pick(catalog.skus);
    items.set(sku, (items.get(sku) ?? 0) + 1 + r.int(2));
  }
  const dup = r.next();
  return {
    index,
    customer: `chaos-${r.int(o.customers)}`,
    key: `chaos-${o.seed}-${index}`,
    items: [...items].map(([sku, qty]) => ({ sku, qty })),
    card: weighted(r, CARDS),
    postalCode: weighted(r, POSTAL_CODES),
    edge: r.int(o.edges),
    duplicate: dup < 0.05 ? "together" : dup < 0.1 ? "after" : "none",
    cancelAfterMs: r.chance(0.12) ? r.int(20_000) : null,
  };
}

function weighted<T>(r: Rng, choices: [T, number][]): T {
  let n = r.next() * choices.reduce((a, [, w]) => a + w, 0);
  for (const [c, w] of choices) if ((n -= w) < 0) return c;
  return choices.at(-1)![0];
}
