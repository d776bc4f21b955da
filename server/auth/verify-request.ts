/**
 * Checks a request's signature (shared/sync-auth.ts): LT2-ED25519 with the
 * terminal's device public key (protocol version 2), or LT1-HMAC-SHA256 with
 * its HMAC key (version 1) while the transition window lasts and the terminal
 * has not registered a device key. Order: header shape, terminal known, not
 * revoked, the scheme allowed for it, timestamp within the window, signature,
 * and last the nonce (so a forged request cannot use up nonces).
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { canonicalRequest, parseAuthorization } from '../../shared/sync-auth.ts';
import { MAX_CLOCK_SKEW_MS } from '../../shared/sync-protocol.ts';
import { unauthenticated } from '../http/errors.ts';
import type { Db } from '../store/db.ts';
import { v1AcceptedUntil, type ProtocolPolicy } from './protocol-window.ts';

export interface AuthenticatedTerminal {
  terminalId: string;
  storeId: string;
  /** How the request was signed: 1 = HMAC (a terminal paired before device keys, in the transition window), 2 = its Ed25519 device key. */
  protocolVersion: 1 | 2;
}

export interface RequestToVerify {
  method: string;
  pathWithQuery: string;
  authorization: string | undefined;
  body: Uint8Array;
}

interface TerminalKeys {
  store_id: string;
  hmac_key: Uint8Array | null;
  public_key: Uint8Array | null;
  revoked_at: number | null;
}

export async function verifyRequest(
  db: Db,
  req: RequestToVerify,
  now: number,
  policy: ProtocolPolicy = {},
): Promise<AuthenticatedTerminal> {
  if (req.authorization === undefined || req.authorization === '') throw unauthenticated('missing');
  const auth = parseAuthorization(req.authorization);
  if (auth === null) throw unauthenticated('malformed');
  const [terminal] = await db.query<TerminalKeys>('SELECT store_id, hmac_key, public_key, revoked_at FROM terminals WHERE id = $1', [
    auth.terminalId,
  ]);
  if (terminal === undefined) throw unauthenticated('unknown_terminal');
  if (terminal.revoked_at !== null) throw unauthenticated('revoked');
  if (auth.protocolVersion === 1) {
    if (now >= (await v1AcceptedUntil(db, policy))) throw unauthenticated('protocol_retired');
    if (terminal.hmac_key === null) throw unauthenticated('device_key_registered');
  } else if (terminal.public_key === null) {
    // Paired with a secret and no device key registered yet: nothing to verify an Ed25519 signature with.
    throw unauthenticated('bad_signature');
  }
  if (Math.abs(now - auth.ts) > MAX_CLOCK_SKEW_MS) throw unauthenticated('clock_skew');

  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const canonical = Buffer.from(canonicalRequest(req.method, req.pathWithQuery, auth.ts, auth.nonce, bodyHash), 'utf8');
  const given = Buffer.from(auth.sig, 'base64url');
  const holds =
    auth.protocolVersion === 2
      ? verify(null, canonical, devicePublicKey(terminal.public_key!), given)
      : hmacHolds(terminal.hmac_key!, canonical, given);
  if (!holds) throw unauthenticated('bad_signature');

  const fresh = await db.query(
    'INSERT INTO auth_nonces (terminal_id, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING nonce',
    [auth.terminalId, auth.nonce, now],
  );
  if (fresh.length === 0) throw unauthenticated('replay');
  return { terminalId: auth.terminalId, storeId: terminal.store_id, protocolVersion: auth.protocolVersion };
}

function hmacHolds(key: Uint8Array, canonical: Buffer, given: Buffer): boolean {
  const expected = createHmac('sha256', Buffer.from(key)).update(canonical).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// SubjectPublicKeyInfo of an Ed25519 key is this 12-byte prefix and the raw 32 bytes (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A raw 32-byte Ed25519 public key as a KeyObject. */
export function devicePublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki' });
}

/** Nonces older than the window can go: a request that old fails the timestamp check anyway. */
export async function pruneNonces(db: Db, now: number): Promise<void> {
  await db.query('DELETE FROM auth_nonces WHERE seen_at < $1', [now - 2 * MAX_CLOCK_SKEW_MS]);
}
