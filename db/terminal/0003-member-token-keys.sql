-- The programme's public keys for verifying member QR tokens offline, and the
-- tokens the server revoked (a lost phone). Both arrive by sync; the private
-- keys never leave the central server.

CREATE TABLE member_token_keys (
  key_id      INTEGER PRIMARY KEY CHECK (key_id BETWEEN 0 AND 255),
  -- raw Ed25519 public key
  public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
  revoked_at  INTEGER,
  received_at INTEGER NOT NULL
) STRICT;

CREATE TABLE revoked_member_tokens (
  token_id   TEXT PRIMARY KEY,
  revoked_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
