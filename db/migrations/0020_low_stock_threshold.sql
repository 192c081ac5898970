-- Each product says when its available units count as low (the admins' low-stock alert and list).
ALTER TABLE catalog.products ADD COLUMN IF NOT EXISTS low_stock_threshold integer NOT NULL DEFAULT 10
  CHECK (low_stock_threshold >= 0);
