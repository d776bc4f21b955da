-- The checkout path reads a member's lots, qualifying points and purchases on
-- every sale. A member's rows are scattered over the tables (one per visit), so
-- reading them from the table costs a page each; covering indexes answer these
-- queries from a page or two of the index alone.

DROP INDEX ledger_member_time;
CREATE INDEX ledger_member_time ON ledger(member_id, created_at, qualifying);

DROP INDEX point_lots_live;
CREATE INDEX point_lots_live ON point_lots(member_id, expires_at, remaining, entry_id, earned_at) WHERE remaining > 0;

DROP INDEX sales_member_time;
CREATE INDEX sales_member_time ON sales(member_id, created_at, status, points_earned) WHERE member_id IS NOT NULL;
