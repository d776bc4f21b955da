-- Indexes for statements of the checkout and sync paths that read a whole
-- table; test/integration/query-plans.test.ts finds such statements.
--
-- Every event a sale, void, refund, enrolment or adjustment writes carries the
-- expiry of the lots its ledger entries made (store/outbox.ts ledgerSince),
-- read by entry id. Without an index that read scanned every lot: about 1.6 s
-- a ledger entry with 10,000,000 lots. Entry ids only grow, so new lots append
-- at the index's right edge (the first pull's bulk inserts included).
CREATE INDEX point_lots_entry ON point_lots(entry_id);

-- A void cancels the sale's vouchers and finds the online hold it posted.
CREATE INDEX vouchers_sale ON vouchers(sale_id);
CREATE INDEX redemption_holds_sale ON redemption_holds(sale_id) WHERE sale_id IS NOT NULL;

-- Enrolment looks for a member with the same e-mail, compared case-blind;
-- the index on the e-mail as written could not answer that (a scan of every
-- member), and nothing else reads it.
DROP INDEX members_email;
CREATE INDEX members_email ON members(lower(email)) WHERE email IS NOT NULL;

-- The sync status after every sale counts the unsent events and finds the
-- oldest: with created_at (and sent_at, always NULL here, which SQLite reads
-- to check the WHERE) in the index, that is a read of the index alone, not of
-- each unsent event's row (1.1 ms a sale with 4,400 events queued offline).
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox(seq, created_at, sent_at) WHERE sent_at IS NULL;

-- The same status counts the events the server flagged: with the status in
-- the index, from the index alone.
DROP INDEX outbox_flagged;
CREATE INDEX outbox_flagged ON outbox(seq, json_extract(result, '$.status')) WHERE json_extract(result, '$.status') = 'applied_with_adjustment';
