-- Every till prices the nth-purchase and referral bonuses offline with the member's purchases
-- at every till, not only its own: the pull sends each member's count and newest purchase times
-- (server/pull/changes.ts). They are kept on the member's row, which the push already locks and
-- rewrites (server/apply/member-purchases.ts), so a pull page reads no sales.

-- How many purchases, and the newest of their times (ms, newest first, at most 100).
ALTER TABLE members ADD COLUMN purchase_count INTEGER NOT NULL DEFAULT 0 CHECK (purchase_count >= 0);
ALTER TABLE members ADD COLUMN purchase_recent JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(purchase_recent) = 'array');

-- From the purchases stored so far. A purchase is what server/apply/member-purchases.ts says
-- (purchaseSql): a sale with a member, applied (not held, not refused), whose applied ledger
-- earns points. The members written get a new change_seq: every till pulls their facts.
UPDATE members m
   SET purchase_count = p.n, purchase_recent = p.recent
  FROM (SELECT (a.payload->>'memberId')::uuid AS member_id, count(*)::int AS n,
               to_jsonb((array_agg(a.created_at ORDER BY a.created_at DESC))[1:100]) AS recent
          FROM applied_events a
         WHERE a.kind = 'sale.committed' AND a.status NOT IN ('held', 'refused') AND a.payload->'ledger' @> '[{"kind":"earn"}]'
           AND a.payload->>'memberId' IS NOT NULL
         GROUP BY 1) p
 WHERE m.id = p.member_id;
