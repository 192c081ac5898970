/**
 * The flash sale's stock: a few SKUs, each with a set number of units spread over its
 * warehouses, and the check after the sale, read from the database - every unit sold
 * exactly once (shipped units = the stock it started with), none left, none reserved, and
 * no count below zero in any warehouse at the end.
 */
import { f0, line, type Target } from "./scenarios.ts";

/** Sets each SKU's stock to `units` over its warehouses; resolves to the units per SKU. */
export async function stockUp(t: Target, skus: string[], units: number): Promise<Map<string, number>> {
  await t.query(`UPDATE inventory.stock s SET reserved = 0, on_hand = $2::int / n.rows + CASE WHEN n.first = s.warehouse THEN $2::int % n.rows ELSE 0 END
    FROM (SELECT sku, count(*)::int AS rows, min(warehouse) AS first FROM inventory.stock WHERE sku = ANY($1::text[]) GROUP BY sku) n
    WHERE s.sku = n.sku`, [skus, units]);
  const rows = await t.query<{ sku: string; units: number }>(
    `SELECT sku, sum(on_hand)::int AS units FROM inventory.stock WHERE sku = ANY($1::text[]) GROUP BY sku`, [skus]);
  return new Map(rows.map((r) => [r.sku, r.units]));
}

/** The sale's outcome per SKU; ok when each sold out exactly and nothing is negative. */
export async function checkSoldOut(t: Target, initial: Map<string, number>, orderIds: string[]): Promise<boolean> {
  const skus = [...initial.keys()];
  const stock = await t.query<{ sku: string; on_hand: number; reserved: number; lowest: number }>(
    `SELECT sku, sum(on_hand)::int AS on_hand, sum(reserved)::int AS reserved, least(min(on_hand), min(reserved), min(on_hand - reserved))::int AS lowest
     FROM inventory.stock WHERE sku = ANY($1::text[]) GROUP BY sku`, [skus]);
  const shipped = await t.query<{ sku: string; units: number; orders: number }>(
    `SELECT item->>'sku' AS sku, sum((item->>'qty')::int)::int AS units, count(DISTINCT v.id)::int AS orders
     FROM ordering.order_views v CROSS JOIN jsonb_array_elements(v.view->'items') AS item
     WHERE v.id = ANY($2::text[]) AND v.status = 'SHIPPED' AND item->>'sku' = ANY($1::text[]) GROUP BY 1`, [skus, orderIds]);
  let ok = true;
  for (const sku of skus) {
    const s = stock.find((r) => r.sku === sku);
    const sold = shipped.find((r) => r.sku === sku)?.units ?? 0;
    const start = initial.get(sku) ?? 0;
    const exact = s !== undefined && sold === start && s.on_hand === 0 && s.reserved === 0 && s.lowest >= 0;
    ok &&= exact;
    line(`  ${sku}`, `${f0(start)} units at the start, ${f0(sold)} shipped; now ${s?.on_hand ?? "-"} on hand, ${s?.reserved ?? "-"} reserved, ` +
      `lowest count in any warehouse ${s?.lowest ?? "-"}: ${exact ? "sold out exactly" : "NOT SOLD OUT EXACTLY"}`);
  }
  return ok;
}
