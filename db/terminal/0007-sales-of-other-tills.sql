-- Refunds at any till of the store, and the refund policy for expired points
-- (docs/programme.md, "Refunds and voids").
--
-- A sale made at another till of this store, fetched from the central server
-- to refund it here, is kept as a sale with the id of the till that made it
-- (NULL: made here). None of its ledger entries are on this terminal, so the
-- expiry of the points it earned comes with it.
ALTER TABLE sales ADD COLUMN origin_terminal_id TEXT;
ALTER TABLE sales ADD COLUMN earn_expires_at INTEGER;
-- Earned points a refund or void of the sale did not take back because they had
-- expired by then (the history shows them).
ALTER TABLE sales ADD COLUMN points_expired_kept INTEGER NOT NULL DEFAULT 0 CHECK (points_expired_kept >= 0);
