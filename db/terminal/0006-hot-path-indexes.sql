-- Every event a sale, void, refund, enrolment or adjustment writes carries the
-- expiry of the lots its ledger entries made (store/outbox.ts ledgerSince),
-- read by entry id. Without an index that read scanned every lot: about 1.6 s
-- a ledger entry with 10,000,000 lots. Entry ids only grow, so new lots append
-- at the index's right edge (the first pull's bulk inserts included).
CREATE INDEX point_lots_entry ON point_lots(entry_id);
