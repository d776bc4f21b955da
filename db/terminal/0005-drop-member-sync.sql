-- member_sync (0004) kept each member's server balance as last pulled, but the
-- balance shown and its confirmed/pending split are worked out from the outbox
-- (outbox_points): nothing read it, and a first pull wrote a million rows of it.
DROP TABLE member_sync;
