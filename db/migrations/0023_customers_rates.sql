-- Every sign-in attempt of a known account, for the admins' customer page and the customer's
-- own account page; purged after a retention (accounts.sign_ins in the README's bounded tables).
CREATE TABLE IF NOT EXISTS accounts.sign_ins (
  id bigserial PRIMARY KEY,
  user_id text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  client_address text NOT NULL,
  user_agent text NOT NULL,
  succeeded boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_ins_user_at ON accounts.sign_ins (user_id, at DESC);
CREATE INDEX IF NOT EXISTS sign_ins_at ON accounts.sign_ins (at);
