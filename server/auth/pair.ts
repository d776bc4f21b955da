import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PairRequest, PairResponse } from '../../shared/sync-protocol.ts';
import { unauthenticated } from '../http/errors.ts';
import type { Db } from '../store/db.ts';
import { activeSigningKey, publicKeys } from '../tokens/signing-keys.ts';
import { hashPairingCode, normalisePairingCode } from './pairing-code.ts';

/**
 * Redeems a one-time code for device credentials. The code row is locked so
 * two terminals racing with one code cannot both pair. The secret is returned
 * once; the server keeps only sha256(secret) as the HMAC key.
 */
export async function pairTerminal(db: Db, req: PairRequest, now: number): Promise<PairResponse> {
  const code = normalisePairingCode(req.code);
  if (code === null) throw unauthenticated('pairing_code_invalid');
  // The terminal leaves with at least one public key to verify member tokens offline.
  await activeSigningKey(db, now);
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ store_id: string; expires_at: number; used_at: number | null }>(
      'SELECT store_id, expires_at, used_at FROM pairing_codes WHERE code_hash = $1 FOR UPDATE',
      [hashPairingCode(code)],
    );
    if (row === undefined) throw unauthenticated('pairing_code_invalid');
    if (row.used_at !== null) throw unauthenticated('pairing_code_used');
    if (row.expires_at <= now) throw unauthenticated('pairing_code_expired');
    const terminalId = randomUUID();
    const secret = randomBytes(32);
    const hmacKey = createHash('sha256').update(secret).digest();
    await tx.query('INSERT INTO terminals (id, store_id, name, hmac_key, paired_at) VALUES ($1, $2, $3, $4, $5)', [
      terminalId,
      row.store_id,
      req.terminalName,
      hmacKey,
      now,
    ]);
    await tx.query('UPDATE pairing_codes SET used_at = $2, terminal_id = $3 WHERE code_hash = $1', [
      hashPairingCode(code),
      now,
      terminalId,
    ]);
    const [store] = await tx.query<{ id: string; name: string; time_zone: string; currency: string }>(
      'SELECT id, name, time_zone, currency FROM stores WHERE id = $1',
      [row.store_id],
    );
    return {
      terminalId,
      secret: secret.toString('base64url'),
      storeId: row.store_id,
      store: { id: store!.id, name: store!.name, timeZone: store!.time_zone, currency: store!.currency },
      serverTime: now,
      publicKeys: await publicKeys(tx),
    };
  });
}
