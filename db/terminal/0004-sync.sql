-- Sync with the central server (issue 3).
--
-- 1. The ledger gains the kind 'sync': a correction that brings the cached
--    balance to the server's balance plus this terminal's unacknowledged events.
--    A CHECK cannot be altered in SQLite, so the table is rebuilt with the
--    documented procedure (new table, copy, drop, rename, indexes, triggers).
--    point_lots references ledger and the runner's transaction cannot turn
--    foreign keys off, so point_lots is rebuilt alongside, pointing at the new
--    table from the start: no row is ever without its parent, and dropping the
--    old tables leaves no violation behind (defer_foreign_keys is a safety net:
--    any violation is checked at commit, and the test runs foreign_key_check).
PRAGMA defer_foreign_keys = ON;

CREATE TABLE ledger_new (
  id          INTEGER PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  kind        TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'bonus', 'reverse', 'adjust', 'expire', 'sync')),
  points      INTEGER NOT NULL CHECK (points <> 0),
  -- points counting towards tier qualification (earn and its reversals)
  qualifying  INTEGER NOT NULL DEFAULT 0,
  sale_id     TEXT REFERENCES sales(id),
  refund_id   TEXT REFERENCES refunds(id),
  -- operation id for adjustments and expiry runs; the rule or reason otherwise
  ref         TEXT,
  reason      TEXT NOT NULL,
  staff_id    TEXT REFERENCES staff(id),
  created_at  INTEGER NOT NULL
) STRICT;
INSERT INTO ledger_new (id, member_id, kind, points, qualifying, sale_id, refund_id, ref, reason, staff_id, created_at)
  SELECT id, member_id, kind, points, qualifying, sale_id, refund_id, ref, reason, staff_id, created_at FROM ledger;

CREATE TABLE point_lots_new (
  id          INTEGER PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  entry_id    INTEGER NOT NULL REFERENCES ledger_new(id),
  points      INTEGER NOT NULL CHECK (points > 0),
  remaining   INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
  earned_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;
INSERT INTO point_lots_new (id, member_id, entry_id, points, remaining, earned_at, expires_at)
  SELECT id, member_id, entry_id, points, remaining, earned_at, expires_at FROM point_lots;

DROP TABLE point_lots;
DROP TABLE ledger;
-- Renaming rewrites point_lots_new's reference to ledger_new into "ledger".
ALTER TABLE ledger_new RENAME TO ledger;
ALTER TABLE point_lots_new RENAME TO point_lots;

CREATE INDEX ledger_member_time ON ledger(member_id, created_at, qualifying);
CREATE INDEX ledger_sale ON ledger(sale_id) WHERE sale_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_adjust_ref ON ledger(ref) WHERE kind = 'adjust';
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE INDEX point_lots_live ON point_lots(member_id, expires_at, remaining, entry_id, earned_at) WHERE remaining > 0;

-- 2. Events written before this version did not have the protocol's shape
--    (shared/sync-protocol.ts). None was ever sent (there was no sync), so they
--    are rewritten in place from the ledger rows their transaction wrote; the
--    old fields stay (receivers ignore unknown fields).
UPDATE outbox SET payload = json_set(payload,
    '$.paidMinor', coalesce(json_extract(payload, '$.payableMinor'), 0),
    '$.pointsEarned', coalesce(json_extract(payload, '$.pointsAwarded'), 0),
    '$.pointsRedeemed', coalesce(json_extract(payload, '$.redemption.points'), 0),
    '$.rewardId', json_extract(payload, '$.redemption.rewardId'),
    '$.ledger', json((SELECT json_group_array(json_object('memberId', l.member_id, 'kind', l.kind, 'points', l.points, 'qualifying', l.qualifying,
                   'expiresAt', (SELECT p.expires_at FROM point_lots p WHERE p.entry_id = l.id AND l.points > 0)))
                 FROM (SELECT * FROM ledger WHERE sale_id = json_extract(outbox.payload, '$.saleId') AND refund_id IS NULL
                       AND kind IN ('earn', 'redeem', 'bonus') ORDER BY id) l)))
  WHERE kind = 'sale.committed' AND sent_at IS NULL AND json_type(payload, '$.ledger') IS NULL;

UPDATE outbox SET payload = json_set(payload,
    '$.memberId', (SELECT member_id FROM sales WHERE id = json_extract(outbox.payload, '$.saleId')),
    '$.ledger', json((SELECT json_group_array(json_object('memberId', l.member_id, 'kind', l.kind, 'points', l.points, 'qualifying', l.qualifying,
                   'expiresAt', (SELECT p.expires_at FROM point_lots p WHERE p.entry_id = l.id AND l.points > 0)))
                 FROM (SELECT * FROM ledger WHERE sale_id = json_extract(outbox.payload, '$.saleId') AND refund_id IS NULL
                       AND kind = 'reverse' ORDER BY id) l)))
  WHERE kind = 'sale.voided' AND sent_at IS NULL AND json_type(payload, '$.ledger') IS NULL;

UPDATE outbox SET payload = json_set(payload,
    '$.memberId', (SELECT member_id FROM sales WHERE id = json_extract(outbox.payload, '$.saleId')),
    '$.refundedMinor', json_extract(payload, '$.refundMinor'),
    '$.ledger', json((SELECT json_group_array(json_object('memberId', l.member_id, 'kind', l.kind, 'points', l.points, 'qualifying', l.qualifying,
                   'expiresAt', (SELECT p.expires_at FROM point_lots p WHERE p.entry_id = l.id AND l.points > 0)))
                 FROM (SELECT * FROM ledger WHERE refund_id = json_extract(outbox.payload, '$.refundId') ORDER BY id) l)))
  WHERE kind = 'sale.refunded' AND sent_at IS NULL AND json_type(payload, '$.ledger') IS NULL;

UPDATE outbox SET payload = json_set(payload,
    '$.ledger', json((SELECT json_group_array(json_object('memberId', l.member_id, 'kind', l.kind, 'points', l.points, 'qualifying', l.qualifying,
                   'expiresAt', (SELECT p.expires_at FROM point_lots p WHERE p.entry_id = l.id)))
                 FROM (SELECT * FROM ledger WHERE member_id = json_extract(outbox.payload, '$.memberId') AND kind = 'bonus'
                       AND ref = 'enrolment' AND sale_id IS NULL ORDER BY id) l)))
  WHERE kind = 'member.enrolled' AND sent_at IS NULL AND json_type(payload, '$.ledger') IS NULL;

UPDATE outbox SET payload = json_set(payload,
    '$.ledger', json((SELECT json_group_array(json_object('memberId', l.member_id, 'kind', l.kind, 'points', l.points, 'qualifying', l.qualifying,
                   'expiresAt', (SELECT p.expires_at FROM point_lots p WHERE p.entry_id = l.id AND l.points > 0)))
                 FROM (SELECT * FROM ledger WHERE kind = 'adjust' AND ref = json_extract(outbox.payload, '$.adjustmentId')) l)))
  WHERE kind = 'points.adjusted' AND sent_at IS NULL AND json_type(payload, '$.ledger') IS NULL;

-- 3. The server's answer per event (applied / duplicate / applied_with_adjustment
--    and why), kept for the manager.
ALTER TABLE outbox ADD COLUMN result TEXT CHECK (result IS NULL OR json_valid(result));

-- Net points per member of each outbox event, written with the event: the
-- balance shown is the server's plus the member's events the server had not
-- applied yet, read from this table by (member, seq) without parsing JSON.
CREATE TABLE outbox_points (
  member_id TEXT NOT NULL,
  seq       INTEGER NOT NULL REFERENCES outbox(seq),
  points    INTEGER NOT NULL CHECK (points <> 0),
  PRIMARY KEY (member_id, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO outbox_points (member_id, seq, points)
  SELECT json_extract(e.value, '$.memberId'), o.seq, sum(json_extract(e.value, '$.points'))
  FROM outbox o, json_each(o.payload, '$.ledger') e
  GROUP BY 1, 2 HAVING sum(json_extract(e.value, '$.points')) <> 0;

-- The server's balance of a member as last pulled, and the terminal's applied
-- seq it includes.
CREATE TABLE member_sync (
  member_id      TEXT PRIMARY KEY REFERENCES members(id),
  server_balance INTEGER NOT NULL,
  applied_seq    INTEGER NOT NULL,
  pulled_at      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Online holds this terminal placed on the server (a sale names one to skip the offline cap).
CREATE TABLE redemption_holds (
  hold_id    TEXT PRIMARY KEY,
  member_id  TEXT NOT NULL,
  points     INTEGER NOT NULL CHECK (points > 0),
  status     TEXT NOT NULL CHECK (status IN ('active', 'posted', 'released')),
  sale_id    TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Redemptions made without an online hold: what the offline caps count.
CREATE TABLE offline_redemptions (
  sale_id           TEXT PRIMARY KEY REFERENCES sales(id),
  member_id         TEXT NOT NULL,
  points            INTEGER NOT NULL CHECK (points > 0),
  at                INTEGER NOT NULL,
  override_staff_id TEXT REFERENCES staff(id)
) STRICT, WITHOUT ROWID;
CREATE INDEX offline_redemptions_member ON offline_redemptions(member_id, at);
CREATE INDEX offline_redemptions_time ON offline_redemptions(at);

-- The manager's list of flagged events, and its count in the status, without reading every answer.
CREATE INDEX outbox_flagged ON outbox(seq) WHERE json_extract(result, '$.status') = 'applied_with_adjustment';
