-- One schema per bounded context; the runtime schema holds the log, outbox and timers.
CREATE SCHEMA IF NOT EXISTS catalog;
CREATE SCHEMA IF NOT EXISTS inventory;
CREATE SCHEMA IF NOT EXISTS ordering;
CREATE SCHEMA IF NOT EXISTS runtime;

CREATE TABLE catalog.products (
  sku text PRIMARY KEY,
  name text NOT NULL,
  category text NOT NULL,
  brand text NOT NULL,
  description text NOT NULL,
  price integer NOT NULL CHECK (price >= 0),
  rating real NOT NULL DEFAULT 0,
  images jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON catalog.products (category);

CREATE TABLE inventory.stock (
  sku text PRIMARY KEY REFERENCES catalog.products (sku),
  on_hand integer NOT NULL,
  reserved integer NOT NULL DEFAULT 0,
  CONSTRAINT stock_never_negative CHECK (reserved >= 0 AND on_hand >= reserved)
);

CREATE TABLE inventory.movements (
  id bigserial PRIMARY KEY,
  sku text NOT NULL,
  delta_on_hand integer NOT NULL,
  delta_reserved integer NOT NULL,
  reason text NOT NULL,
  ref text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX movements_sku ON inventory.movements (sku, at);

CREATE TABLE ordering.orders (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  status text NOT NULL,
  state jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX orders_customer ON ordering.orders (customer_id, created_at DESC);

CREATE TABLE ordering.order_views (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  status text NOT NULL,
  total integer NOT NULL,
  currency text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  view jsonb NOT NULL
);
CREATE INDEX order_views_customer ON ordering.order_views (customer_id, created_at DESC);
CREATE INDEX order_views_status ON ordering.order_views (status, created_at DESC);
CREATE INDEX order_views_created ON ordering.order_views (created_at DESC);

CREATE TABLE runtime.actor_state (
  kind text NOT NULL,
  key text NOT NULL,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, key)
);

CREATE TABLE runtime.outbox (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  topic text NOT NULL,
  key text NOT NULL,
  type text NOT NULL,
  message text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING',
  created_at timestamptz NOT NULL DEFAULT now(),
  claimed_at timestamptz,
  published_at timestamptz
);
CREATE INDEX outbox_pending ON runtime.outbox (id) WHERE status = 'PENDING';

CREATE TABLE runtime.processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

CREATE TABLE runtime.timers (
  kind text NOT NULL,
  key text NOT NULL,
  name text NOT NULL,
  token text NOT NULL,
  fire_at timestamptz NOT NULL,
  PRIMARY KEY (kind, key, name)
);
CREATE INDEX timers_due ON runtime.timers (fire_at);

CREATE TABLE runtime.dead_letters (
  id bigserial PRIMARY KEY,
  consumer text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  "offset" text NOT NULL,
  key text,
  error text NOT NULL,
  attempts integer NOT NULL,
  message text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz
);
CREATE UNIQUE INDEX dead_letters_source ON runtime.dead_letters (consumer, topic, partition, "offset");

-- The embedded event log: Kafka's model (topic, partition, offset) in a table.
CREATE TABLE runtime.log (
  topic text NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, "offset")
);

CREATE TABLE runtime.consumer_offsets (
  group_id text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
);

CREATE TABLE runtime.settings (
  name text PRIMARY KEY,
  value text NOT NULL
);
