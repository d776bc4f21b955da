-- Refunds at any till of a store (docs/sync-protocol.md, "Sales of the store").
--
-- A sale and its refunds are read by sale id: a till of the store fetches a
-- sale it does not hold (GET /v1/sales/:saleId), and a push checks a refund
-- against the sale's lines and what was refunded before (server/apply/refund-check.ts).
-- Voids keep their own index (0002).
CREATE INDEX applied_events_sale_refs ON applied_events ((payload->>'saleId'))
  WHERE kind IN ('sale.committed', 'sale.refunded');
-- A member's sales, the newest first (GET /v1/members/:memberId/sales: the
-- history at any till of the store lists the sales other tills made).
CREATE INDEX applied_events_member_sales ON applied_events ((payload->>'memberId'), created_at)
  WHERE kind = 'sale.committed';

-- Two new reasons for review (shared/sync-protocol.ts FLAG_KINDS).
ALTER TABLE flags DROP CONSTRAINT flags_kind_check;
ALTER TABLE flags ADD CONSTRAINT flags_kind_check CHECK (kind IN (
  'overdraft', 'blocked_member_earn', 'duplicate_enrolment', 'refund_exceeds_sale', 'refund_expired_points'));
