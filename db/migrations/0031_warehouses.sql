-- Stock across warehouses. Each warehouse has a country (reservations prefer the ones in the
-- customer's shipping country) and a priority (lower ships first, then by code). Stock is
-- kept per (SKU, warehouse) with the same checks as before; inventory.stock_totals is the sum
-- over warehouses that every reader of "available" (storefront, low stock, dashboard) uses.
CREATE TABLE IF NOT EXISTS inventory.warehouses (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{2,8}$'),
  name text NOT NULL,
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  priority integer NOT NULL DEFAULT 100
);
INSERT INTO inventory.warehouses (code, name, country, priority) VALUES
  ('BER', 'Berlin', 'DE', 10), ('LYS', 'Lyon', 'FR', 20), ('NJ', 'New Jersey', 'US', 30)
  ON CONFLICT (code) DO NOTHING;

-- Every row so far was the one warehouse there was: Berlin.
ALTER TABLE inventory.stock ADD COLUMN IF NOT EXISTS warehouse text REFERENCES inventory.warehouses (code);
UPDATE inventory.stock SET warehouse = 'BER' WHERE warehouse IS NULL;
ALTER TABLE inventory.stock ALTER COLUMN warehouse SET NOT NULL;
ALTER TABLE inventory.stock DROP CONSTRAINT IF EXISTS stock_pkey;
ALTER TABLE inventory.stock ADD PRIMARY KEY (sku, warehouse);

ALTER TABLE inventory.movements ADD COLUMN IF NOT EXISTS warehouse text;
UPDATE inventory.movements SET warehouse = 'BER' WHERE warehouse IS NULL;
ALTER TABLE inventory.movements ALTER COLUMN warehouse SET NOT NULL;

-- Spread the units nobody holds over the three warehouses, a third each (Berlin keeps the
-- rest and every unit already reserved, so the reservations in flight stay where they are),
-- each move written to the movement log as a transfer; the totals do not change.
INSERT INTO inventory.stock (sku, warehouse, on_hand, reserved)
  SELECT s.sku, w.code, (s.on_hand - s.reserved) / 3, 0
  FROM inventory.stock s CROSS JOIN (VALUES ('LYS'), ('NJ')) AS w(code)
  WHERE s.warehouse = 'BER' AND (s.on_hand - s.reserved) / 3 > 0
  ON CONFLICT (sku, warehouse) DO NOTHING;
INSERT INTO inventory.movements (sku, warehouse, delta_on_hand, delta_reserved, reason, ref)
  SELECT sku, warehouse, on_hand, 0, 'transfer', 'migration' FROM inventory.stock WHERE warehouse <> 'BER';
INSERT INTO inventory.movements (sku, warehouse, delta_on_hand, delta_reserved, reason, ref)
  SELECT sku, 'BER', -sum(on_hand)::int, 0, 'transfer', 'migration' FROM inventory.stock WHERE warehouse <> 'BER' GROUP BY sku;
UPDATE inventory.stock b SET on_hand = b.on_hand - o.moved
  FROM (SELECT sku, sum(on_hand)::int AS moved FROM inventory.stock WHERE warehouse <> 'BER' GROUP BY sku) o
  WHERE b.sku = o.sku AND b.warehouse = 'BER';

CREATE INDEX IF NOT EXISTS movements_sku_warehouse_id ON inventory.movements (sku, warehouse, id DESC);

CREATE OR REPLACE VIEW inventory.stock_totals AS
  SELECT sku, sum(on_hand)::int AS on_hand, sum(reserved)::int AS reserved, count(*)::int AS warehouses
  FROM inventory.stock GROUP BY sku;
