-- The server checks every event a till pushes (docs/sync-protocol.md, "How the
-- server checks a till"): staff belong to a store, one-per-member bonuses are
-- granted once chain-wide, daily bounds are counted, and what is held for a
-- person waits in held_events.

-- NULL: the staff member works at every store (head office, area managers).
ALTER TABLE staff ADD COLUMN store_id TEXT;

-- A bonus a member can have once per period, whichever till grants it:
-- birthday (period = store-local year), referral_referee (''), referral_referrer
-- (the referee's id), nth_purchase (the granting sale's time), enrolment ('').
CREATE TABLE bonus_grants (
  member_id   UUID NOT NULL,
  kind        TEXT NOT NULL,
  period      TEXT NOT NULL,
  event_id    UUID NOT NULL,
  granted_at  BIGINT NOT NULL,
  PRIMARY KEY (member_id, kind, period)
);

-- The tier before a member's last downgrade and when it took effect: a sale a till made offline
-- before it was priced at that tier, and the server's re-price allows it.
ALTER TABLE members ADD COLUMN tier_before TEXT;
ALTER TABLE members ADD COLUMN tier_changed_at BIGINT;

-- Points credited to a member on a store-local day (bounds.pointsPerMemberPerDay), on the member's
-- row: a push locks and rewrites that row anyway, so counting costs no extra read or write.
ALTER TABLE members ADD COLUMN credit_day TEXT;
ALTER TABLE members ADD COLUMN credited_today BIGINT NOT NULL DEFAULT 0 CHECK (credited_today >= 0);

-- A terminal's adjustment points on a store-local day (bounds.adjustmentPointsPerTerminalPerDay).
CREATE TABLE daily_usage (
  scope   TEXT NOT NULL CHECK (scope IN ('terminal_adjust')),
  key     TEXT NOT NULL,
  day     TEXT NOT NULL,
  points  BIGINT NOT NULL CHECK (points >= 0),
  PRIMARY KEY (scope, key, day)
);

-- An event recorded but not applied: above a bound, out of the till's scope,
-- or a void/refund whose sale has not arrived. `ledger` is what approval applies
-- (the server's entries); a refusal applies nothing. Decided once.
CREATE TABLE held_events (
  event_id     UUID PRIMARY KEY,
  terminal_id  UUID NOT NULL,
  kind         TEXT NOT NULL,
  member_id    UUID,
  sale_id      UUID,
  reasons      JSONB NOT NULL,
  details      JSONB NOT NULL,
  ledger       JSONB NOT NULL,
  created_at   BIGINT NOT NULL,
  decided_at   BIGINT,
  decision     TEXT CHECK (decision IN ('approved', 'refused')),
  decided_by   TEXT
);
CREATE INDEX held_events_open ON held_events(created_at) WHERE decided_at IS NULL;
CREATE INDEX held_events_awaiting ON held_events(sale_id) WHERE decided_at IS NULL AND sale_id IS NOT NULL;

-- Integers never overflow: every figure a till can move is bounded far below 2^53.
ALTER TABLE members ADD CONSTRAINT members_balance_bounded CHECK (balance BETWEEN -1000000000000000 AND 1000000000000000);
ALTER TABLE ledger ADD CONSTRAINT ledger_points_bounded CHECK (points BETWEEN -1000000000000 AND 1000000000000 AND qualifying BETWEEN -1000000000000 AND 1000000000000);

-- A refused event may name no member (an event id another terminal sent first).
ALTER TABLE flags ALTER COLUMN member_id DROP NOT NULL;
ALTER TABLE flags DROP CONSTRAINT flags_kind_check;
ALTER TABLE flags ADD CONSTRAINT flags_kind_check CHECK (kind IN (
  'overdraft', 'blocked_member_earn', 'duplicate_enrolment', 'refund_exceeds_sale', 'refund_expired_points',
  'points_repriced', 'keyed_earn_capped', 'unverified', 'over_limit', 'awaiting_sale', 'wrong_store',
  'staff_not_allowed', 'event_id_taken', 'hold_not_owned', 'invalid_sale'));
