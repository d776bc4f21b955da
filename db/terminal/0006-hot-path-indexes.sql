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
