/** The warehouses as the console and the stock actions read them, first by priority then by code. */
import { asc } from "drizzle-orm";
import type { Q } from "../../db/client.ts";
import { warehouses } from "../../db/schema.ts";

export type Warehouse = { code: string; name: string; country: string; priority: number };

/** Every warehouse, the first by priority first. */
export function listWarehouses(q: Q): Promise<Warehouse[]> {
  return q.select().from(warehouses).orderBy(asc(warehouses.priority), asc(warehouses.code));
}

/** The warehouse that takes stock when nobody says which: the first by priority. */
export async function firstWarehouse(q: Q): Promise<string> {
  const [first] = await listWarehouses(q);
  if (!first) throw new Error("there is no warehouse (migration 0031 creates them)");
  return first.code;
}
