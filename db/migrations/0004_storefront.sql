-- The storefront: accounts, carts, currencies and catalog search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA IF NOT EXISTS accounts;
CREATE SCHEMA IF NOT EXISTS shopping;

CREATE TABLE accounts.users (
  id text PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('customer', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON accounts.users (lower(email));

-- A refresh token is stored only as its SHA-256. Rotation marks the old row used and
-- issues a new one in the same family; presenting a used token revokes the family.
CREATE TABLE accounts.refresh_tokens (
  token_hash text PRIMARY KEY,
  family text NOT NULL,
  user_id text NOT NULL REFERENCES accounts.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON accounts.refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON accounts.refresh_tokens (user_id);

-- A cart belongs to a guest (random id in a cookie) or to a user (owner set, one each).
CREATE TABLE shopping.carts (
  id text PRIMARY KEY,
  owner text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX carts_updated ON shopping.carts (updated_at);

-- unit_price is the USD price (cents) when the line was added: the price snapshot.
CREATE TABLE shopping.cart_items (
  cart_id text NOT NULL REFERENCES shopping.carts (id) ON DELETE CASCADE,
  sku text NOT NULL REFERENCES catalog.products (sku),
  qty integer NOT NULL CHECK (qty BETWEEN 1 AND 10),
  unit_price integer NOT NULL CHECK (unit_price >= 0),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_id, sku)
);

-- Units of `code` per US dollar; minor_units is the currency's decimals (JPY has none).
CREATE TABLE catalog.currencies (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
  minor_units integer NOT NULL CHECK (minor_units BETWEEN 0 AND 3),
  rate numeric(18, 8) NOT NULL CHECK (rate > 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO catalog.currencies (code, minor_units, rate) VALUES
  ('USD', 2, 1), ('EUR', 2, 0.92), ('GBP', 2, 0.79), ('CAD', 2, 1.37),
  ('AUD', 2, 1.52), ('JPY', 0, 151.2), ('CNY', 2, 7.24), ('INR', 2, 83.4);

-- Full-text search: name weighs most, then category and brand, then the description.
ALTER TABLE catalog.products ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', name), 'A') ||
  setweight(to_tsvector('english', category), 'B') ||
  setweight(to_tsvector('english', brand), 'B') ||
  setweight(to_tsvector('english', description), 'C')
) STORED;
CREATE INDEX products_search ON catalog.products USING gin (search);
CREATE INDEX products_name_trgm ON catalog.products USING gin (name gin_trgm_ops);

-- Every word of the catalog, for typo correction by trigram similarity ("lapto" -> "laptop").
CREATE TABLE catalog.search_terms (
  term text PRIMARY KEY
);
CREATE INDEX search_terms_trgm ON catalog.search_terms USING gin (term gin_trgm_ops);
