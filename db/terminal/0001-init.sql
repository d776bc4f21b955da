-- Terminal schema v1. Times are integer milliseconds since the epoch (UTC);
-- money is integer minor units; points are integers. STRICT everywhere.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE program_config (
  version      INTEGER PRIMARY KEY,
  config       TEXT NOT NULL CHECK (json_valid(config)),
  installed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE members (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  -- lower-cased, accent-free copy of name for prefix search
  name_key           TEXT NOT NULL,
  -- digits only, with country code: prefix search by phone
  phone              TEXT,
  email              TEXT,
  birth_date         TEXT CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  status             TEXT NOT NULL CHECK (status IN ('active', 'blocked')),
  tier               TEXT NOT NULL,
  tier_reviewed_at   INTEGER,
  enrolled_store     TEXT NOT NULL,
  enrolled_at        INTEGER NOT NULL,
  consent_marketing  INTEGER NOT NULL CHECK (consent_marketing IN (0, 1)),
  consent_at         INTEGER,
  referred_by        TEXT REFERENCES members(id),
  -- cached sum of the member's ledger entries; always equal to it
  balance            INTEGER NOT NULL DEFAULT 0,
  -- points reversed after they were spent, owed before new points can be spent
  debt               INTEGER NOT NULL DEFAULT 0 CHECK (debt >= 0),
  birthday_bonus_year INTEGER,
  last_nth_bonus_at  INTEGER,
  updated_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX members_phone ON members(phone) WHERE phone IS NOT NULL;
CREATE INDEX members_email ON members(email) WHERE email IS NOT NULL;
CREATE INDEX members_name_key ON members(name_key);

CREATE TABLE member_cards (
  card_number TEXT PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  issued_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX member_cards_member ON member_cards(member_id);

CREATE TABLE staff (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'admin')),
  -- scrypt$N$r$p$salt$hash, never the PIN
  pin_hash        TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until    INTEGER,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE products (
  sku         TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  category    TEXT NOT NULL,
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE product_barcodes (
  barcode TEXT PRIMARY KEY,
  sku     TEXT NOT NULL REFERENCES products(sku)
) STRICT, WITHOUT ROWID;
CREATE INDEX product_barcodes_sku ON product_barcodes(sku);

CREATE TABLE sales (
  id              TEXT PRIMARY KEY,
  member_id       TEXT REFERENCES members(id),
  staff_id        TEXT NOT NULL REFERENCES staff(id),
  store_id        TEXT NOT NULL,
  program_version INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  total_minor     INTEGER NOT NULL,
  discount_minor  INTEGER NOT NULL,
  paid_minor      INTEGER NOT NULL,
  points_earned   INTEGER NOT NULL,
  points_redeemed INTEGER NOT NULL,
  reward_id       TEXT,
  status          TEXT NOT NULL CHECK (status IN ('completed', 'voided')),
  voided_at       INTEGER,
  voided_by       TEXT REFERENCES staff(id),
  -- the answer given to the first commit, returned again on a replay
  result          TEXT NOT NULL CHECK (json_valid(result))
) STRICT;
CREATE INDEX sales_member_time ON sales(member_id, created_at) WHERE member_id IS NOT NULL;
CREATE INDEX sales_time ON sales(created_at);

CREATE TABLE sale_lines (
  sale_id           TEXT NOT NULL REFERENCES sales(id),
  line_no           INTEGER NOT NULL,
  sku               TEXT,
  category          TEXT NOT NULL,
  description       TEXT NOT NULL,
  quantity          INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_minor  INTEGER NOT NULL,
  amount_minor      INTEGER NOT NULL,
  discount_minor    INTEGER NOT NULL,
  paid_minor        INTEGER NOT NULL,
  earn_points       INTEGER NOT NULL,
  redeemed_points   INTEGER NOT NULL,
  refunded_quantity INTEGER NOT NULL DEFAULT 0 CHECK (refunded_quantity BETWEEN 0 AND quantity),
  PRIMARY KEY (sale_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE refunds (
  id              TEXT PRIMARY KEY,
  sale_id         TEXT NOT NULL REFERENCES sales(id),
  staff_id        TEXT NOT NULL REFERENCES staff(id),
  created_at      INTEGER NOT NULL,
  refund_minor    INTEGER NOT NULL,
  points_reversed INTEGER NOT NULL,
  points_restored INTEGER NOT NULL,
  result          TEXT NOT NULL CHECK (json_valid(result))
) STRICT;
CREATE INDEX refunds_sale ON refunds(sale_id);

-- Append-only: corrections are new entries (see the triggers below).
CREATE TABLE ledger (
  id          INTEGER PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  kind        TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'bonus', 'reverse', 'adjust', 'expire')),
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
CREATE INDEX ledger_member_time ON ledger(member_id, created_at);
CREATE INDEX ledger_sale ON ledger(sale_id) WHERE sale_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_adjust_ref ON ledger(ref) WHERE kind = 'adjust';
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

-- Points live in lots so they can expire; spending takes from the oldest lot first.
CREATE TABLE point_lots (
  id          INTEGER PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  entry_id    INTEGER NOT NULL REFERENCES ledger(id),
  points      INTEGER NOT NULL CHECK (points > 0),
  remaining   INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
  earned_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX point_lots_live ON point_lots(member_id, expires_at) WHERE remaining > 0;

CREATE TABLE vouchers (
  code       TEXT PRIMARY KEY,
  reward_id  TEXT NOT NULL,
  member_id  TEXT NOT NULL REFERENCES members(id),
  sale_id    TEXT NOT NULL REFERENCES sales(id),
  issued_at  INTEGER NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('issued', 'cancelled'))
) STRICT, WITHOUT ROWID;

-- Events for the central server, written in the same transaction as the change.
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL CHECK (json_valid(payload)),
  created_at INTEGER NOT NULL,
  sent_at    INTEGER,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
) STRICT;
CREATE INDEX outbox_unsent ON outbox(seq) WHERE sent_at IS NULL;

-- Who did what. Append-only; holds ids, never names, phones or PINs.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  staff_id   TEXT REFERENCES staff(id),
  action     TEXT NOT NULL,
  subject    TEXT,
  details    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
