import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

/** The verifying keys in force: a revoked key verifies nothing, so it is left out. */
export function activeTokenKeys(db: ReadableDb): Map<number, Uint8Array> {
  const rows = prepare(db, 'SELECT key_id, public_key FROM member_token_keys WHERE revoked_at IS NULL').all() as {
    key_id: number;
    public_key: Buffer;
  }[];
  return new Map(rows.map((r) => [r.key_id, new Uint8Array(r.public_key)]));
}

export function upsertTokenKey(db: WritableDb, key: { keyId: number; publicKey: Uint8Array; revokedAt: number | null; now: number }): void {
  prepare(
    db,
    `INSERT INTO member_token_keys (key_id, public_key, revoked_at, received_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key_id) DO UPDATE SET public_key = excluded.public_key, revoked_at = excluded.revoked_at, received_at = excluded.received_at`,
  ).run(key.keyId, Buffer.from(key.publicKey), key.revokedAt, key.now);
}

export function revokeMemberToken(db: WritableDb, tokenId: string, at: number): void {
  prepare(db, 'INSERT INTO revoked_member_tokens (token_id, revoked_at) VALUES (?, ?) ON CONFLICT (token_id) DO NOTHING').run(tokenId, at);
}

export function isMemberTokenRevoked(db: ReadableDb, tokenId: string): boolean {
  return prepare(db, 'SELECT 1 FROM revoked_member_tokens WHERE token_id = ?').get(tokenId) !== undefined;
}
