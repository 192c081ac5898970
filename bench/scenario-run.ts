/** Runs the scenarios the flags ask for, in order: capacity, then the overload at twice it, or the flash sale. */
import { findCapacity } from "./capacity.ts";
import { flashSale } from "./flash-sale.ts";
import { overload } from "./overload.ts";
import type { ScenarioOptions, Target } from "./scenarios.ts";

export const wantsScenario = (o: Pick<ScenarioOptions, "findCapacity" | "overload" | "hot">) => o.findCapacity || o.overload || o.hot;

/** Resolves to the exit code: 1 when an order was lost, stuck or refused, or the stock did not add up. */
export async function runScenarios(t: Target, o: ScenarioOptions): Promise<number> {
  let ok = true;
  let capacity = o.rate;
  if (o.findCapacity) {
    const found = await findCapacity(t, o);
    ok &&= found.ok;
    if (found.capacity > 0) capacity = found.capacity;
  } else if (o.hot) {
    ok &&= await flashSale(t, o);
  }
  if (o.overload) ok &&= await overload(t, o, capacity);
  return ok ? 0 : 1;
}
