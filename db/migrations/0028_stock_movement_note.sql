-- An admin's stock adjustment keeps its reason as a category (restock, return, damage,
-- count, manual) and the admin's own words beside it; the movement log filters by reason.
ALTER TABLE inventory.movements ADD COLUMN IF NOT EXISTS note text;
