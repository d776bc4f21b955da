-- Ed25519 device keys (protocol version 2, docs/sync-protocol.md "Request signing").
--
-- A terminal signs with a private key that never leaves it; the server keeps
-- only the public key, so a copy of this database signs as no terminal. A
-- terminal paired before keeps its HMAC key (protocol version 1) until it
-- registers a device key (POST /v1/device-key), which clears hmac_key in the
-- same transaction. Every terminal has one of the two.
ALTER TABLE terminals ALTER COLUMN hmac_key DROP NOT NULL;
ALTER TABLE terminals ADD COLUMN public_key BYTEA CHECK (public_key IS NULL OR length(public_key) = 32);
ALTER TABLE terminals ADD COLUMN key_registered_at BIGINT;
ALTER TABLE terminals ADD CONSTRAINT terminals_signing_key CHECK (hmac_key IS NOT NULL OR public_key IS NOT NULL);

-- When this server first ran each protocol version (the migration runs at that
-- first start): version 1 signatures are accepted for 90 days after version 2's
-- row unless the configuration gives another date (protocol.v1AcceptedUntil).
CREATE TABLE protocol_versions (
  version           INTEGER PRIMARY KEY,
  first_started_at  BIGINT NOT NULL
);
INSERT INTO protocol_versions (version, first_started_at)
  VALUES (2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
