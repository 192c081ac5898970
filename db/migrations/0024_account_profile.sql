-- Seed 003's profile: first and last name (`name` stays the name shown, "first last"), an
-- optional phone for text messages, when the email was verified (accounts made before
-- verification existed count as verified) and when the account last signed in.
ALTER TABLE accounts.users ADD COLUMN IF NOT EXISTS first_name text;
ALTER TABLE accounts.users ADD COLUMN IF NOT EXISTS last_name text;
ALTER TABLE accounts.users ADD COLUMN IF NOT EXISTS phone text;
ALTER TABLE accounts.users ADD COLUMN IF NOT EXISTS email_verified_at timestamptz;
ALTER TABLE accounts.users ADD COLUMN IF NOT EXISTS last_login_at timestamptz;
UPDATE accounts.users SET email_verified_at = created_at WHERE email_verified_at IS NULL;
