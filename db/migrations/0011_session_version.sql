-- Ending a session ends its access tokens too, within seconds rather than at their expiry:
-- an access token carries the account's session version when it was issued, and every
-- revocation (a sign-out, a refresh family revoked on reuse, disabling the account) bumps
-- it. A disabled account keeps its email taken and its orders, but no session.
ALTER TABLE accounts.users ADD COLUMN session_version integer NOT NULL DEFAULT 0;
ALTER TABLE accounts.users ADD COLUMN disabled_at timestamptz;
