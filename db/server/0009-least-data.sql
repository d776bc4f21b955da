-- Least data on every till (docs/privacy.md): a till receives members' personal
-- data only for its store's scope, and only its store's staff.

-- The stores a member was seen at (a sale synced from one of their tills) or is
-- assigned to. With members.enrolled_store, this is the programme's `store` scope:
-- enrolled there, assigned there, or seen there within privacy.seenWithinDays.
-- The maintenance pass deletes sightings that fell out of the window (the index)
-- and re-sends those members, so tills of that store drop their personal data.
CREATE TABLE member_stores (
  member_id     UUID NOT NULL REFERENCES members(id),
  store_id      TEXT NOT NULL,
  assigned      BOOLEAN NOT NULL DEFAULT FALSE,
  last_seen_at  BIGINT,
  PRIMARY KEY (member_id, store_id)
);
CREATE INDEX member_stores_seen ON member_stores(last_seen_at) WHERE NOT assigned;

-- What members' sales already show: each member seen at each store, at its latest sale.
INSERT INTO member_stores (member_id, store_id, last_seen_at)
  SELECT s.member_id, s.store_id, max(s.created_at)
    FROM sales s JOIN members m ON m.id = s.member_id
   WHERE s.member_id IS NOT NULL AND s.store_id <> m.enrolled_store
   GROUP BY s.member_id, s.store_id;

-- Staff of every store (staff.store_id NULL: head office) reach only the tills of the
-- stores they are assigned to here; staff of a store reach its tills without it.
CREATE TABLE staff_stores (
  staff_id  TEXT NOT NULL REFERENCES staff(id),
  store_id  TEXT NOT NULL,
  PRIMARY KEY (staff_id, store_id)
);
CREATE INDEX staff_stores_store ON staff_stores(store_id);

-- When an admin erased the member's personal data (erase-member): name, phone,
-- e-mail, birth date and consent are gone; ledger and sales stay under the id.
ALTER TABLE members ADD COLUMN erased_at BIGINT;

-- Who read or changed what about a member, outside the till's own events: online
-- searches (never the query text: counts and the members shown), history reads,
-- exports and erasures.
CREATE TABLE audit_log (
  id           BIGSERIAL PRIMARY KEY,
  at           BIGINT NOT NULL,
  -- 'terminal' (a till's request) or 'admin' (a command)
  actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('terminal', 'admin')),
  -- the terminal's id, or the name given with --by
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  member_id    UUID,
  details      JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_member ON audit_log(member_id, at) WHERE member_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log(at);

-- Tills paired before this hold every member's personal data and every staff member:
-- each row is stamped again (the change trigger), so their next pull brings the scoped
-- picture, personal data dropped and staff of other stores removed.
UPDATE staff SET active = active;
UPDATE members SET status = status WHERE status <> 'pending_enrolment';
