-- Who moved the stock: the admin's id on an adjustment (null for the saga's reservations
-- and shipments and for the opening stock), and an index for one product's movement log,
-- newest first.
ALTER TABLE inventory.movements ADD COLUMN IF NOT EXISTS actor text;
CREATE INDEX IF NOT EXISTS movements_sku_id ON inventory.movements (sku, id DESC);
