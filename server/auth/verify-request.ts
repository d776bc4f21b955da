/**
 * Checks a request's LT1-HMAC-SHA256 signature (shared/sync-auth.ts). Order:
 * header shape, terminal known, not revoked, timestamp within the window,
 * signature, and last the nonce (so a forged request cannot use up nonces).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalRequest, parseAuthorization } from '../../shared/sync-auth.ts';
import { MAX_CLOCK_SKEW_MS } from '../../shared/sync-protocol.ts';
import { unauthenticated } from '../http/errors.ts';
import type { Db } from '../store/db.ts';

export interface AuthenticatedTerminal {
  terminalId: string;
  storeId: string;
}

export interface RequestToVerify {
  method: string;
  pathWithQuery: string;
  authorization: string | undefined;
  body: Uint8Array;
}

export async function verifyRequest(db: Db, req: RequestToVerify, now: number): Promise<AuthenticatedTerminal> {
  if (req.authorization === undefined || req.authorization === '') throw unauthenticated('missing');
  const auth = parseAuthorization(req.authorization);
  if (auth === null) throw unauthenticated('malformed');
  const [terminal] = await db.query<{ store_id: string; hmac_key: Uint8Array; revoked_at: number | null }>(
    'SELECT store_id, hmac_key, revoked_at FROM terminals WHERE id = $1',
    [auth.terminalId],
  );
  if (terminal === undefined) throw unauthenticated('unknown_terminal');
  if (terminal.revoked_at !== null) throw unauthenticated('revoked');
  if (Math.abs(now - auth.ts) > MAX_CLOCK_SKEW_MS) throw unauthenticated('clock_skew');

  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const expected = createHmac('sha256', Buffer.from(terminal.hmac_key))
    .update(canonicalRequest(req.method, req.pathWithQuery, auth.ts, auth.nonce, bodyHash))
    .digest();
  const given = Buffer.from(auth.sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated('bad_signature');

  const fresh = await db.query(
    'INSERT INTO auth_nonces (terminal_id, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING nonce',
    [auth.terminalId, auth.nonce, now],
  );
  if (fresh.length === 0) throw unauthenticated('replay');
  return { terminalId: auth.terminalId, storeId: terminal.store_id };
}

/** Nonces older than the window can go: a request that old fails the timestamp check anyway. */
export async function pruneNonces(db: Db, now: number): Promise<void> {
  await db.query('DELETE FROM auth_nonces WHERE seen_at < $1', [now - 2 * MAX_CLOCK_SKEW_MS]);
}
