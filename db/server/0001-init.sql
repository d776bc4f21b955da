-- The central loyalty server's schema (PostgreSQL; also runs on PGlite).
-- Times are BIGINT milliseconds since the Unix epoch; points and money are BIGINT.

-- One server-wide change sequence: every row a terminal pulls (members, programmes,
-- products, staff, signing keys, revoked tokens) is stamped with the next value on
-- each insert or update, so GET /v1/changes pages through them in one order with
-- one cursor. Writers that stamp take a transaction-scoped advisory lock first
-- (server/store/db.ts, changeTransaction), so stamps become visible in order.
CREATE SEQUENCE change_seq AS BIGINT;

CREATE FUNCTION stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_seq := nextval('change_seq');
  RETURN NEW;
END
$$;

CREATE TABLE stores (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  time_zone   TEXT NOT NULL,
  currency    TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);

-- hmac_key = sha256(pairing secret): the secret itself is never stored (shared/sync-auth.ts).
CREATE TABLE terminals (
  id           UUID PRIMARY KEY,
  store_id     TEXT NOT NULL REFERENCES stores(id),
  name         TEXT NOT NULL,
  hmac_key     BYTEA NOT NULL,
  applied_seq  BIGINT NOT NULL DEFAULT 0,
  paired_at    BIGINT NOT NULL,
  revoked_at   BIGINT,
  last_seen_at BIGINT
);

-- Only a hash of each one-time code is kept.
CREATE TABLE pairing_codes (
  code_hash    TEXT PRIMARY KEY,
  store_id     TEXT NOT NULL REFERENCES stores(id),
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  used_at      BIGINT,
  terminal_id  UUID REFERENCES terminals(id)
);

-- Nonces seen within the clock-skew window: a replayed request is refused.
CREATE TABLE auth_nonces (
  terminal_id  UUID NOT NULL,
  nonce        TEXT NOT NULL,
  seen_at      BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, nonce)
);
CREATE INDEX auth_nonces_seen ON auth_nonces(seen_at);

CREATE TABLE programs (
  version      INTEGER PRIMARY KEY,
  config       JSONB NOT NULL,
  imported_at  BIGINT NOT NULL,
  change_seq   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE products (
  sku          TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  category     TEXT NOT NULL,
  price_minor  BIGINT NOT NULL,
  barcodes     JSONB NOT NULL DEFAULT '[]',
  active       BOOLEAN NOT NULL DEFAULT TRUE,
  change_seq   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE staff (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'admin')),
  pin_hash     TEXT NOT NULL,
  active       BOOLEAN NOT NULL DEFAULT TRUE,
  change_seq   BIGINT NOT NULL DEFAULT 0
);

-- Ed25519 keys for member QR tokens. The newest unrevoked key signs; older keys stay
-- verifiable (terminals receive every public key with its revoked flag).
CREATE TABLE signing_keys (
  kid          INTEGER PRIMARY KEY CHECK (kid BETWEEN 0 AND 255),
  public_key   BYTEA NOT NULL,
  private_key  BYTEA NOT NULL,
  created_at   BIGINT NOT NULL,
  revoked_at   BIGINT,
  change_seq   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE revoked_member_tokens (
  token_id     TEXT PRIMARY KEY,
  member_id    UUID NOT NULL,
  revoked_at   BIGINT NOT NULL,
  change_seq   BIGINT NOT NULL DEFAULT 0
);

-- status 'pending_enrolment': a placeholder made when an event names a member whose
-- enrolment has not arrived yet; the enrolment fills it in. Not sent to terminals.
-- balance = sum of the member's ledger, kept in the same transaction; when it is
-- negative (a debt) the member has no live lots.
CREATE TABLE members (
  id                 UUID PRIMARY KEY,
  status             TEXT NOT NULL CHECK (status IN ('pending_enrolment', 'active', 'blocked')),
  name               TEXT NOT NULL DEFAULT '',
  phone              TEXT,
  email              TEXT,
  birth_date         TEXT,
  consent_marketing  BOOLEAN NOT NULL DEFAULT FALSE,
  referred_by        UUID,
  enrolled_store     TEXT NOT NULL DEFAULT '',
  enrolled_at        BIGINT NOT NULL,
  tier               TEXT NOT NULL DEFAULT '',
  tier_reviewed_at   BIGINT,
  balance            BIGINT NOT NULL DEFAULT 0,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  change_seq         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX members_phone ON members(phone) WHERE phone IS NOT NULL;
CREATE INDEX members_email ON members(lower(email)) WHERE email IS NOT NULL;

CREATE TABLE member_cards (
  card         TEXT PRIMARY KEY,
  member_id    UUID NOT NULL REFERENCES members(id),
  created_at   BIGINT NOT NULL
);
CREATE INDEX member_cards_member ON member_cards(member_id);

-- Append-only. created_at is the event's time (tier windows); applied_at the server's.
CREATE TABLE ledger (
  id           BIGSERIAL PRIMARY KEY,
  member_id    UUID NOT NULL REFERENCES members(id),
  event_id     UUID,
  kind         TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'bonus', 'reverse', 'adjust', 'expire')),
  points       BIGINT NOT NULL,
  qualifying   BIGINT NOT NULL DEFAULT 0,
  created_at   BIGINT NOT NULL,
  applied_at   BIGINT NOT NULL,
  reason       TEXT
);
CREATE INDEX ledger_member_time ON ledger(member_id, created_at);

CREATE TABLE point_lots (
  id           BIGSERIAL PRIMARY KEY,
  member_id    UUID NOT NULL REFERENCES members(id),
  remaining    BIGINT NOT NULL CHECK (remaining >= 0),
  expires_at   BIGINT,
  created_at   BIGINT NOT NULL
);
CREATE INDEX point_lots_live ON point_lots(member_id) WHERE remaining > 0;
CREATE INDEX point_lots_due ON point_lots(expires_at) WHERE remaining > 0;

-- Every event ever applied, by the id the terminal made: the idempotency key, forever.
CREATE TABLE applied_events (
  id           UUID PRIMARY KEY,
  terminal_id  UUID NOT NULL REFERENCES terminals(id),
  seq          BIGINT NOT NULL,
  kind         TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  applied_at   BIGINT NOT NULL,
  status       TEXT NOT NULL,
  reasons      JSONB NOT NULL DEFAULT '[]',
  payload      JSONB NOT NULL
);

CREATE TABLE sales (
  id              UUID PRIMARY KEY,
  terminal_id     UUID NOT NULL,
  store_id        TEXT NOT NULL,
  member_id       UUID,
  staff_id        TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  total_minor     BIGINT NOT NULL,
  paid_minor      BIGINT NOT NULL,
  points_earned   BIGINT NOT NULL,
  points_redeemed BIGINT NOT NULL,
  hold_id         UUID,
  status          TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'voided')),
  voided_at       BIGINT,
  event_id        UUID NOT NULL
);

CREATE TABLE refunds (
  id              UUID PRIMARY KEY,
  sale_id         UUID NOT NULL,
  terminal_id     UUID NOT NULL,
  member_id       UUID,
  created_at      BIGINT NOT NULL,
  refunded_minor  BIGINT,
  event_id        UUID NOT NULL
);

-- Online redemption holds: available = balance - active unexpired holds.
CREATE TABLE holds (
  id           UUID PRIMARY KEY,
  terminal_id  UUID NOT NULL REFERENCES terminals(id),
  member_id    UUID NOT NULL REFERENCES members(id),
  points       BIGINT NOT NULL CHECK (points > 0),
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'posted', 'released')),
  closed_at    BIGINT,
  sale_id      UUID
);
CREATE INDEX holds_active ON holds(member_id, expires_at) WHERE status = 'active';

-- For a manager's review; ids only in details.
CREATE TABLE flags (
  id           BIGSERIAL PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('overdraft', 'blocked_member_earn', 'duplicate_enrolment')),
  member_id    UUID NOT NULL,
  event_id     UUID NOT NULL,
  details      JSONB NOT NULL DEFAULT '{}',
  created_at   BIGINT NOT NULL,
  resolved_at  BIGINT
);
CREATE INDEX flags_open ON flags(kind, created_at) WHERE resolved_at IS NULL;

CREATE INDEX members_change ON members(change_seq);
CREATE INDEX programs_change ON programs(change_seq);
CREATE INDEX products_change ON products(change_seq);
CREATE INDEX staff_change ON staff(change_seq);
CREATE INDEX signing_keys_change ON signing_keys(change_seq);
CREATE INDEX revoked_member_tokens_change ON revoked_member_tokens(change_seq);

CREATE TRIGGER members_stamp BEFORE INSERT OR UPDATE ON members FOR EACH ROW EXECUTE FUNCTION stamp_change();
CREATE TRIGGER programs_stamp BEFORE INSERT OR UPDATE ON programs FOR EACH ROW EXECUTE FUNCTION stamp_change();
CREATE TRIGGER products_stamp BEFORE INSERT OR UPDATE ON products FOR EACH ROW EXECUTE FUNCTION stamp_change();
CREATE TRIGGER staff_stamp BEFORE INSERT OR UPDATE ON staff FOR EACH ROW EXECUTE FUNCTION stamp_change();
CREATE TRIGGER signing_keys_stamp BEFORE INSERT OR UPDATE ON signing_keys FOR EACH ROW EXECUTE FUNCTION stamp_change();
CREATE TRIGGER revoked_member_tokens_stamp BEFORE INSERT OR UPDATE ON revoked_member_tokens FOR EACH ROW EXECUTE FUNCTION stamp_change();
