-- One-time tokens for the links in account mail: verify an email address (also a new one,
-- which replaces the old when verified) and reset a forgotten password. Only a SHA-256
-- hash of each token is kept; a token works once (used_at) and until expires_at.
CREATE TABLE IF NOT EXISTS accounts.link_tokens (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('verify', 'reset')),
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX IF NOT EXISTS link_tokens_user ON accounts.link_tokens (user_id, purpose);
