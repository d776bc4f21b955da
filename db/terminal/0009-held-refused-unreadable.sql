-- "Trust no till": the server may answer an event `held` (recorded, its points
-- wait for a person at head office) or `refused` (recorded, nothing applied),
-- and one malformed record in a pulled page no longer stops the pull.
--
-- 1. The sync status after every sale counts the events the server flagged,
--    held or refused, and the manager's list shows the latest of them: both
--    read this index alone, never every answered event (the outbox only grows).
--    outbox_flagged stays for the diagnostics' count of flagged events.
CREATE INDEX outbox_notable ON outbox(seq, json_extract(result, '$.status'))
  WHERE json_extract(result, '$.status') IN ('applied_with_adjustment', 'held', 'refused');

-- 2. Records of a pulled page the terminal could not read (a balance beyond the
--    protocol's bounds, a lot that is not a whole number…): skipped so the rest
--    of the page applies and the cursor moves on, and kept here so the sync
--    details can say how many. A readable version of the same record pulled
--    later takes its row away; a pull from the beginning starts the list anew.
--    Ids only (a member's UUID, a product's SKU, a staff id), never personal
--    data; a record whose id itself cannot be read is keyed by its place in
--    the page ('#' + the page's cursor + ':' + its index).
CREATE TABLE unreadable_records (
  kind      TEXT NOT NULL CHECK (kind IN ('member', 'product', 'staff')),
  record_id TEXT NOT NULL,
  seen_at   INTEGER NOT NULL,
  PRIMARY KEY (kind, record_id)
) STRICT, WITHOUT ROWID;
