/**
 * The programme's Ed25519 keys for member QR tokens. Key ids are 0–255 (one
 * byte in the token). The newest unrevoked key signs; older keys stay valid
 * for verification until revoked, so rotating never breaks printed cards.
 * Private keys are stored as PKCS#8 DER sealed under the server's master key
 * (master-key.ts: AES-256-GCM, bound to their kid), never in plain form, and
 * never logged or returned: a copy of the database cannot sign a token.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { PublicKeyRecord } from '../../shared/sync-protocol.ts';
import { changeTransaction, type Db, type Queryable } from '../store/db.ts';
import { masterKeyOf, openPrivateKey, sealPrivateKey, type MasterKey } from './master-key.ts';

export class SigningKeyError extends Error {}

export async function publicKeys(q: Queryable): Promise<PublicKeyRecord[]> {
  const rows = await q.query<{ kid: number; public_key: Uint8Array; revoked_at: number | null }>(
    'SELECT kid, public_key, revoked_at FROM signing_keys ORDER BY kid',
  );
  return rows.map(toPublicRecord);
}

export function toPublicRecord(r: { kid: number; public_key: Uint8Array; revoked_at: number | null }): PublicKeyRecord {
  return { kid: r.kid, publicKey: Buffer.from(r.public_key).toString('base64url'), revoked: r.revoked_at !== null };
}

/** Makes a new signing key; it signs every token from now on. */
export async function rotateSigningKey(db: Db, now: number): Promise<{ kid: number }> {
  const masterKey = masterKeyOf(db);
  return changeTransaction(db, (tx) => insertKey(tx, masterKey, now));
}

async function insertKey(tx: Queryable, masterKey: MasterKey, now: number): Promise<{ kid: number }> {
  const [row] = await tx.query<{ next: number | null }>('SELECT max(kid) + 1 AS next FROM signing_keys');
  const kid = row?.next ?? 0;
  if (kid > 255) throw new SigningKeyError('All 256 key ids are used: this programme cannot rotate its token key again.');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  await tx.query('INSERT INTO signing_keys (kid, public_key, private_key, created_at) VALUES ($1, $2, $3, $4)', [
    kid,
    raw,
    sealPrivateKey(masterKey, kid, privateKey.export({ format: 'der', type: 'pkcs8' })),
    now,
  ]);
  return { kid };
}

/** The key that signs: the newest unrevoked one, made on first use. */
export async function activeSigningKey(db: Db, now: number): Promise<{ kid: number; privateKey: KeyObject }> {
  const masterKey = masterKeyOf(db);
  const load = async (q: Queryable) =>
    (
      await q.query<{ kid: number; private_key: Uint8Array }>(
        'SELECT kid, private_key FROM signing_keys WHERE revoked_at IS NULL ORDER BY kid DESC LIMIT 1',
      )
    )[0];
  let row = await load(db);
  if (row === undefined) {
    row = await changeTransaction(db, async (tx) => {
      const again = await load(tx);
      if (again !== undefined) return again;
      await insertKey(tx, masterKey, now);
      return (await load(tx))!;
    });
  }
  const pkcs8 = openPrivateKey(masterKey, row.kid, row.private_key);
  return { kid: row.kid, privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }) };
}

/** Revokes a key: terminals refuse its tokens after their next pull. */
export async function revokeSigningKey(db: Db, kid: number, now: number): Promise<void> {
  const rows = await changeTransaction(db, (tx) =>
    tx.query('UPDATE signing_keys SET revoked_at = $2 WHERE kid = $1 AND revoked_at IS NULL RETURNING kid', [kid, now]),
  );
  if (rows.length === 0) throw new SigningKeyError(`No unrevoked signing key ${kid}.`);
}
