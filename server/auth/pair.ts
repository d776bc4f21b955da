import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PairRequest, PairResponse } from '../../shared/sync-protocol.ts';
import { unauthenticated } from '../http/errors.ts';
import type { Db } from '../store/db.ts';
import { activeSigningKey, publicKeys } from '../tokens/signing-keys.ts';
import { decodeDevicePublicKey } from './device-key.ts';
import { hashPairingCode, normalisePairingCode } from './pairing-code.ts';
import { v1AcceptedUntil, type ProtocolPolicy } from './protocol-window.ts';

/**
 * Redeems a one-time code for device credentials. The code row is locked so
 * two terminals racing with one code cannot both pair.
 *
 * Version 2: the terminal sends its Ed25519 device public key and the server
 * stores only that. Version 1 (no key in the request, only during the
 * transition window): a secret is returned once and the server keeps
 * sha256(secret) as the HMAC key.
 */
export async function pairTerminal(db: Db, req: PairRequest, now: number, policy: ProtocolPolicy = {}): Promise<PairResponse> {
  const code = normalisePairingCode(req.code);
  if (code === null) throw unauthenticated('pairing_code_invalid');
  const devicePublicKey = req.publicKey === undefined ? null : decodeDevicePublicKey(req.publicKey);
  if (devicePublicKey === null && now >= (await v1AcceptedUntil(db, policy))) throw unauthenticated('protocol_retired');
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
    const secret = devicePublicKey === null ? randomBytes(32) : null;
    const hmacKey = secret === null ? null : createHash('sha256').update(secret).digest();
    await tx.query(
      'INSERT INTO terminals (id, store_id, name, hmac_key, public_key, key_registered_at, paired_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [terminalId, row.store_id, req.terminalName, hmacKey, devicePublicKey, devicePublicKey === null ? null : now, now],
    );
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
      ...(secret === null ? {} : { secret: secret.toString('base64url') }),
      storeId: row.store_id,
      store: { id: store!.id, name: store!.name, timeZone: store!.time_zone, currency: store!.currency },
      serverTime: now,
      publicKeys: await publicKeys(tx),
    };
  });
}
