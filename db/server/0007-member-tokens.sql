-- Member QR tokens are recorded, bounded and revocable (docs/sync-protocol.md, "Member QR tokens").
--
-- Every token the server signs is recorded here: who asked for it (a terminal,
-- or an administrator at the console), when it was issued and when it expires
-- (always: the programme's tokens.lifetimeDays caps it). Revoking a token sets
-- revoked_at here and adds its id to revoked_member_tokens, which terminals
-- pull and check offline. Tokens signed before this migration were not
-- recorded: to withdraw those, revoke their signing key (revoke-key).
CREATE TABLE member_tokens (
  token_id     TEXT PRIMARY KEY CHECK (token_id ~ '^[0-9a-f]{12}$'),
  member_id    UUID NOT NULL REFERENCES members(id),
  issued_by    TEXT NOT NULL CHECK (issued_by IN ('terminal', 'admin')),
  terminal_id  UUID REFERENCES terminals(id),
  key_id       INTEGER NOT NULL,
  issued_at    BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  revoked_at   BIGINT,
  CHECK ((issued_by = 'terminal') = (terminal_id IS NOT NULL)),
  CHECK (expires_at > issued_at)
);
-- A member's tokens (the per-member rate, revoking them all).
CREATE INDEX member_tokens_member ON member_tokens(member_id, issued_at);
-- A terminal's recent tokens (the per-terminal rate).
CREATE INDEX member_tokens_terminal ON member_tokens(terminal_id, issued_at) WHERE terminal_id IS NOT NULL;

-- A terminal's recent holds (the per-terminal hold rate).
CREATE INDEX holds_terminal_created ON holds(terminal_id, created_at);
