-- Exchange rates with where they came from: the admin who set one, the file or HTTP source
-- that last fetched it, or this migration's seed. Every change is kept in rate_history
-- (bounded: a few rows per currency per hour at most, see the README's bounded tables), and
-- the rate source's last good fetch and last failure in rate_source for /admin/rates.
ALTER TABLE catalog.currencies ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT 'seed';
CREATE TABLE IF NOT EXISTS catalog.rate_history (
  id bigserial PRIMARY KEY,
  code text NOT NULL,
  rate numeric(18, 8) NOT NULL,
  source text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS rate_history_code_at ON catalog.rate_history (code, at DESC);
CREATE TABLE IF NOT EXISTS catalog.rate_source (
  name text PRIMARY KEY,
  last_good_at timestamptz,
  last_failure_at timestamptz,
  last_error text NOT NULL DEFAULT ''
);
