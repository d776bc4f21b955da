import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { WritableDb } from '../../../main/backend/store/connection.ts';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { activeTokenKeys, isMemberTokenRevoked, revokeMemberToken, upsertTokenKey } from '../../../main/backend/store/member-token-keys.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0003 on a database holding 0001–0002 data: the data stays, and synced keys are stored and rotated.
let dir: { path: string; remove(): void };
// A bare connection at a chosen migration: the store's functions take it as the write transaction would hand it out.
let db: WritableDb;
beforeEach(() => {
  dir = tempDir();
  db = new Database(join(dir.path, 't.sqlite')) as WritableDb;
  db.pragma('foreign_keys = ON');
  migrate(db, loadMigrations().slice(0, 2));
  db.prepare(
    `INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, updated_at)
     VALUES ('m1', 'Ann', 'ann', 'active', 'bronze', 's1', 1, 0, 1)`,
  ).run();
  migrate(db, loadMigrations().slice(0, 3));
});
afterEach(() => {
  db.close();
  dir.remove();
});

test('keeps existing rows and sets the schema version', () => {
  expect(db.pragma('user_version', { simple: true })).toBe(3);
  expect(db.prepare('SELECT name FROM members').pluck().all()).toEqual(['Ann']);
});

test('keys are replaced by id, and a revoked key is no longer offered for verification', () => {
  const a = new Uint8Array(32).fill(1);
  const b = new Uint8Array(32).fill(2);
  upsertTokenKey(db, { keyId: 1, publicKey: a, revokedAt: null, now: 10 });
  upsertTokenKey(db, { keyId: 2, publicKey: b, revokedAt: null, now: 10 });
  expect([...activeTokenKeys(db).keys()]).toEqual([1, 2]);
  upsertTokenKey(db, { keyId: 1, publicKey: a, revokedAt: 20, now: 20 });
  expect([...activeTokenKeys(db).entries()]).toEqual([[2, b]]);
});

test('refuses a key that is not 32 bytes or an id outside the token format', () => {
  expect(() => upsertTokenKey(db, { keyId: 1, publicKey: new Uint8Array(31), revokedAt: null, now: 1 })).toThrow(/CHECK constraint/);
  expect(() => upsertTokenKey(db, { keyId: 256, publicKey: new Uint8Array(32), revokedAt: null, now: 1 })).toThrow(/CHECK constraint/);
});

test('revoked tokens are remembered once', () => {
  revokeMemberToken(db, 'aabbccddeeff', 5);
  revokeMemberToken(db, 'aabbccddeeff', 6);
  expect(isMemberTokenRevoked(db, 'aabbccddeeff')).toBe(true);
  expect(isMemberTokenRevoked(db, '000000000000')).toBe(false);
});
