import { hashPairingCode, newPairingCode, normalisePairingCode } from '../auth/pairing-code.ts';
import type { Db } from '../store/db.ts';
import { AdminError } from './admin-error.ts';
import { UUID_PATTERN } from '../../shared/ids.ts';

export const DEFAULT_PAIRING_TTL_MS = 24 * 3_600_000;

/** A one-time code for pairing one terminal with a store. Returned once; only its hash is kept. */
export async function createPairingCode(
  db: Db,
  input: { storeId: string; ttlMs?: number },
  now: number,
): Promise<{ code: string; expiresAt: number }> {
  const ttl = input.ttlMs ?? DEFAULT_PAIRING_TTL_MS;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new AdminError('The code lifetime must be a positive duration.');
  const [store] = await db.query('SELECT id FROM stores WHERE id = $1', [input.storeId]);
  if (store === undefined)
    throw new AdminError(`No store ${input.storeId}. Create it first: create-store ${input.storeId} --name … --timezone … --currency …`);
  const code = newPairingCode();
  const expiresAt = now + ttl;
  await db.query('INSERT INTO pairing_codes (code_hash, store_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    hashPairingCode(normalisePairingCode(code)!),
    input.storeId,
    now,
    expiresAt,
  ]);
  return { code, expiresAt };
}

export async function revokeTerminal(db: Db, terminalId: string, now: number): Promise<void> {
  if (!UUID_PATTERN.test(terminalId)) throw new AdminError('A terminal id is a UUID (see list-terminals).');
  const rows = await db.query('UPDATE terminals SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING id', [terminalId, now]);
  if (rows.length === 0) throw new AdminError(`No terminal ${terminalId}.`);
}

export interface TerminalListing {
  id: string;
  storeId: string;
  name: string;
  appliedSeq: number;
  pairedAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** How it signs: 2 = its own Ed25519 device key, 1 = still the HMAC key of a pairing before device keys. */
  protocolVersion: 1 | 2;
}

export async function listTerminals(db: Db): Promise<TerminalListing[]> {
  const rows = await db.query<{
    id: string;
    store_id: string;
    name: string;
    applied_seq: number;
    paired_at: number;
    last_seen_at: number | null;
    revoked_at: number | null;
    has_device_key: boolean;
  }>(
    'SELECT id, store_id, name, applied_seq, paired_at, last_seen_at, revoked_at, public_key IS NOT NULL AS has_device_key FROM terminals ORDER BY paired_at, id',
  );
  return rows.map((r) => ({
    id: r.id,
    storeId: r.store_id,
    name: r.name,
    appliedSeq: r.applied_seq,
    pairedAt: r.paired_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
    protocolVersion: r.has_device_key ? 2 : 1,
  }));
}
