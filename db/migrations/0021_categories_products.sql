-- Catalog administration: categories as their own table (one level of nesting, an order of
-- their own), archived products, and pictures uploaded by the admins, kept in the database so
-- every edge serves them.
CREATE TABLE IF NOT EXISTS catalog.categories (
  slug text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL UNIQUE,
  parent_slug text REFERENCES catalog.categories (slug),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_slug IS NULL OR parent_slug <> slug)
);

-- Every category the products name today becomes a row, in name order.
INSERT INTO catalog.categories (slug, name, position)
SELECT trim(BOTH '-' FROM regexp_replace(lower(category), '[^a-z0-9]+', '-', 'g')), category,
  (row_number() OVER (ORDER BY category))::int * 10
FROM (SELECT DISTINCT category FROM catalog.products) AS c
ON CONFLICT DO NOTHING;

-- An archived product leaves the storefront, search and carts; past orders keep their lines.
ALTER TABLE catalog.products ADD COLUMN IF NOT EXISTS archived_at timestamptz;

CREATE TABLE IF NOT EXISTS catalog.product_images (
  id bigserial PRIMARY KEY,
  sku text NOT NULL REFERENCES catalog.products (sku),
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  -- a hash of the original bytes: the ETag and part of the image's URL, which never changes
  digest text NOT NULL,
  original bytea NOT NULL,
  -- 400x300 at most, WebP
  thumb bytea NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS product_images_sku ON catalog.product_images (sku);
