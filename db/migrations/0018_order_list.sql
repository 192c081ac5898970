-- The admin orders table and the API's order list: filters and keyset pages.
-- An order's total in the base currency (USD cents, at the rate the order recorded), so
-- totals in different currencies compare and sort; the projector writes it with the view.
ALTER TABLE ordering.order_views ADD COLUMN base_total integer;
UPDATE ordering.order_views v SET base_total = round(v.total::numeric * 100 / (coalesce((v.view->>'fxRate')::numeric, 1)
  * power(10::numeric, coalesce((SELECT c.minor_units FROM catalog.currencies c WHERE c.code = v.currency), 2))))::integer;
ALTER TABLE ordering.order_views ALTER COLUMN base_total SET NOT NULL;

-- Every sort ends on the id, so each page continues exactly after the last row it showed.
DROP INDEX IF EXISTS ordering.order_views_created;
DROP INDEX IF EXISTS ordering.order_views_status;
DROP INDEX IF EXISTS ordering.order_views_customer;
CREATE INDEX order_views_placed ON ordering.order_views (created_at DESC, id DESC);
CREATE INDEX order_views_status ON ordering.order_views (status, created_at DESC, id DESC);
CREATE INDEX order_views_customer ON ordering.order_views (customer_id, created_at DESC, id DESC);
CREATE INDEX order_views_total ON ordering.order_views (base_total DESC, id DESC);
CREATE INDEX order_views_currency ON ordering.order_views (currency, created_at DESC, id DESC);
-- "id starts with": a left-anchored LIKE, whatever the database's collation
CREATE INDEX order_views_id_prefix ON ordering.order_views (id text_pattern_ops);
-- "customer email or name contains": trigram indexes serve ILIKE '%...%'
CREATE INDEX users_email_trgm ON accounts.users USING gin (email gin_trgm_ops);
CREATE INDEX users_name_trgm ON accounts.users USING gin (name gin_trgm_ops);
