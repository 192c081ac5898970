-- The status sort reads order_views_status both ways only when status, placed and id run in
-- one direction: forwards it serves "status Z first", backwards "A first" (0018 had the
-- status ascending and the rest descending, which served neither).
DROP INDEX IF EXISTS ordering.order_views_status;
CREATE INDEX order_views_status ON ordering.order_views (status DESC, created_at DESC, id DESC);
