-- The simulated card processor and carrier keep their books here when they run inside the
-- shop (the embedded default): like real providers, they remember across a restart what
-- they answered and what they did (actors/providers/books.ts).
CREATE SCHEMA IF NOT EXISTS sim;

-- The answer given per (book, operation, idempotency key); NULL while deciding, and for a
-- call the simulator never answers.
CREATE TABLE sim.answers (
  book text NOT NULL,
  op text NOT NULL,
  key text NOT NULL,
  answer jsonb,
  PRIMARY KEY (book, op, key)
);

-- A provider's records by id (a payment and whether it was captured or refunded).
CREATE TABLE sim.records (
  book text NOT NULL,
  id text NOT NULL,
  value jsonb NOT NULL,
  PRIMARY KEY (book, id)
);

-- What moved, oldest first: authorizations, captures and refunds; booked parcels.
CREATE TABLE sim.journal (
  seq bigserial PRIMARY KEY,
  book text NOT NULL,
  entry jsonb NOT NULL
);
CREATE INDEX journal_book ON sim.journal (book, seq);
