-- Least data on every till (docs/privacy.md). Every member of the chain is held with
-- what identifying and pricing need; name, phone, e-mail, full birth date and consent
-- only for the members in this till's store scope. A member without them has
-- name = '' (and name_key = '', phone, email and birth_date NULL).

-- Month and day of birth for the birthday bonus, held for every member (never the year).
ALTER TABLE members ADD COLUMN birthday TEXT CHECK (birthday IS NULL OR birthday GLOB '[0-1][0-9]-[0-3][0-9]');
UPDATE members SET birthday = substr(birth_date, 6, 5) WHERE birth_date IS NOT NULL;

-- No query reads it (names are searched through members_name_fts); at millions of members it was a tenth of the file.
DROP INDEX members_name_key;

-- Only held names are indexed: a member without personal data costs the name index nothing.
DROP TRIGGER members_name_fts_insert;
DROP TRIGGER members_name_fts_delete;
DROP TRIGGER members_name_fts_rename;
CREATE TRIGGER members_name_fts_insert AFTER INSERT ON members WHEN new.name <> '' BEGIN
  INSERT INTO members_name_fts (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER members_name_fts_delete AFTER DELETE ON members WHEN old.name <> '' BEGIN
  INSERT INTO members_name_fts (members_name_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER members_name_fts_rename AFTER UPDATE OF name ON members WHEN new.name IS NOT old.name BEGIN
  INSERT INTO members_name_fts (members_name_fts, rowid, name) SELECT 'delete', old.rowid, old.name WHERE old.name <> '';
  INSERT INTO members_name_fts (rowid, name) SELECT new.rowid, new.name WHERE new.name <> '';
END;

-- A member's points as the till first received them from the server. They are not in the
-- ledger: the till keeps only the entries of its own events and corrections (the member's
-- full history is the server's), so for every member
--   balance = opening + sum(ledger) = sum(lot remainders) − debt.
-- Members received before this migration have their opening in a 'sync' entry (opening 0).
ALTER TABLE members ADD COLUMN opening INTEGER NOT NULL DEFAULT 0;

-- An opening lot has no ledger entry: entry_id becomes optional. A NOT NULL cannot be
-- dropped in SQLite, so the table is rebuilt (nothing references it), and its live-lot
-- index is no longer covering: at millions of members that copy of the table cost a
-- fifth of the file, for one extra row read per live lot of the member being sold to.
CREATE TABLE point_lots_new (
  id          INTEGER PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  -- NULL: a lot of the member's opening points (no entry on this till)
  entry_id    INTEGER REFERENCES ledger(id),
  points      INTEGER NOT NULL CHECK (points > 0),
  remaining   INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
  earned_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;
INSERT INTO point_lots_new (id, member_id, entry_id, points, remaining, earned_at, expires_at)
  SELECT id, member_id, entry_id, points, remaining, earned_at, expires_at FROM point_lots;
DROP TABLE point_lots;
ALTER TABLE point_lots_new RENAME TO point_lots;
CREATE INDEX point_lots_live ON point_lots(member_id, expires_at) WHERE remaining > 0;
CREATE INDEX point_lots_entry ON point_lots(entry_id) WHERE entry_id IS NOT NULL;

-- The member's purchases at every till as the server last sent them (shared/sync-protocol.ts
-- memberPurchasesSchema): how many, and the times (ms) of the newest inside the nth-purchase
-- window as a JSON array, NULL when none. The nth-purchase and referral bonuses count them
-- with this till's own sales (main/backend/sales/member-state.ts).
ALTER TABLE members ADD COLUMN server_purchases INTEGER NOT NULL DEFAULT 0 CHECK (server_purchases >= 0);
ALTER TABLE members ADD COLUMN server_recent TEXT CHECK (server_recent IS NULL OR json_valid(server_recent));
