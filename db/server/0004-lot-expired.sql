-- Points the expiry job (or the expiry before a pushed entry) took out of a
-- lot. An offline debit that arrives late spends the lots that were alive
-- when it happened (docs/programme.md, "Expiry and late offline spending"):
-- it restores what was expired of them, so it must know how much that was.
ALTER TABLE point_lots ADD COLUMN expired BIGINT NOT NULL DEFAULT 0 CHECK (expired >= 0);
-- A late debit reads a member's expired lots that were still alive at its time.
CREATE INDEX point_lots_expired ON point_lots(member_id, expires_at) WHERE expired > 0;
