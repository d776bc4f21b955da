/**
 * Pairing and device credentials: the Ed25519 device signing key made at pairing
 * (the server gets only its public half) is sealed with a device key kept
 * outside the database (a 0600 key file by default, or a key the shell gives),
 * never in the database file in clear, never in a log; one-time codes are
 * refused with their reason; the programme's public keys arrive with the pairing.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { activeTokenKeys } from '../../main/backend/store/member-token-keys.ts';
import { keyFileSource, openCredentials } from '../../main/backend/sync/credentials.ts';
import { pairTerminal } from '../../main/backend/sync/pair.ts';
import { devicePublicKeyOf } from '../../main/backend/sync/request-signer.ts';
import { silentLogger } from '../../main/backend/platform/logging.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import { openSyncTerminal, startSyncServer, type SyncServer, type SyncTerminal } from './sync-harness.ts';

const clock = new ManualClock(SATURDAY);
let server: SyncServer;
const open: SyncTerminal[] = [];
beforeAll(async () => {
  server = await startSyncServer(clock);
}, 60_000);
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await server?.close();
});

test('pairs with a one-time code and a device key pair; the private key is sealed, absent from the raw database files and from the logs', async () => {
  const t = openSyncTerminal(clock);
  open.push(t);
  const admin = await t.login('admin');
  const code = await server.code();
  expect((await t.fail('sync.pair', { serverUrl: server.url, code }, await t.login('manager'))).code).toBe('FORBIDDEN');
  const paired = await t.call('sync.pair', { serverUrl: server.url, code, terminalName: 'Till 1' }, admin);
  expect(paired).toMatchObject({ storeId: 'store-1', storeName: 'Paris Bastille' });
  expect(activeTokenKeys(t.backend.store.db).size).toBeGreaterThan(0);

  // The key file: next to the database, 32 bytes, owner-only.
  const keyPath = `${t.dbPath}.key`;
  expect(statSync(keyPath).mode & 0o777).toBe(0o600);
  expect(readFileSync(keyPath)).toHaveLength(32);
  const sealed = t.backend.store.db.prepare("SELECT value FROM settings WHERE key = 'sync.credentials'").pluck().get() as string;
  const credentials = openCredentials(sealed, keyFileSource(keyPath)());
  expect(credentials).toMatchObject({ serverUrl: server.url, terminalId: paired.terminalId, storeId: 'store-1' });
  // Protocol version 2: an Ed25519 private key, no HMAC secret; the server holds only the public key.
  expect(credentials.secret).toBeUndefined();
  const privateKey = Buffer.from(credentials.signingKey!, 'base64url');
  expect(privateKey).toHaveLength(48); // PKCS#8 DER of an Ed25519 key
  const [row] = await server.db.query<{ hmac_key: Uint8Array | null; public_key: Uint8Array }>(
    'SELECT hmac_key, public_key FROM terminals WHERE id = $1',
    [paired.terminalId],
  );
  expect(row!.hmac_key).toBeNull();
  expect(Buffer.from(row!.public_key).toString('base64url')).toBe(devicePublicKeyOf(credentials.signingKey!));

  // Use it, then look for the private key (and the code) in every byte of the database, WAL and logs.
  await t.backend.sync.syncNow();
  t.backend.store.db.pragma('wal_checkpoint(TRUNCATE)');
  const seed = privateKey.subarray(16); // the 32-byte seed after the PKCS#8 header
  for (const file of readdirSync(t.dir).filter((f) => f.startsWith('terminal.sqlite') && !f.endsWith('.key'))) {
    const raw = readFileSync(join(t.dir, file));
    expect(raw.includes(seed), file).toBe(false);
    expect(raw.includes(Buffer.from(credentials.signingKey!)), file).toBe(false);
    expect(raw.includes(Buffer.from(code)), file).toBe(false);
  }
  const logs = [...t.logs, ...server.logs].join('\n');
  expect(logs).not.toContain(credentials.signingKey);
  expect(logs).not.toContain(seed.toString('base64url'));
  expect(logs).not.toContain(code);
  expect(logs).not.toMatch(/LT1-HMAC-SHA256|LT2-ED25519/);
  expect(t.logs.some((l) => l.includes('sync.paired'))).toBe(true);

  // The code is single use.
  const again = await t.fail('sync.pair', { serverUrl: server.url, code }, admin);
  expect(again).toMatchObject({ code: 'VALIDATION', details: { reason: 'pairing_code_used' } });
  const wrong = await t.fail('sync.pair', { serverUrl: server.url, code: 'AAAA-BBBB-CCCC' }, admin);
  expect(wrong).toMatchObject({ code: 'VALIDATION', details: { reason: 'pairing_code_invalid' } });
  const unreachable = await t.fail('sync.pair', { serverUrl: 'http://127.0.0.1:9', code }, admin);
  expect(unreachable).toMatchObject({ code: 'INTERNAL', details: { reason: 'network' } });
}, 30_000);

test('a key from the shell (safeStorage) instead of the key file; the wrong key opens nothing', async () => {
  const shellKey = Buffer.alloc(32, 7);
  const t = openSyncTerminal(clock, { backend: { deviceKey: () => shellKey } });
  open.push(t);
  const result = await pairTerminal(
    t.backend.store,
    { serverUrl: server.url, code: await server.code(), terminalName: 'Headless' },
    { keySource: () => shellKey, now: () => clock.now(), log: silentLogger },
  );
  expect(readdirSync(t.dir).some((f) => f.endsWith('.key'))).toBe(false);
  expect(t.backend.sync.paired).toBe(true);
  expect((await t.backend.sync.syncNow()).state).toBe('online');
  const sealed = t.backend.store.db.prepare("SELECT value FROM settings WHERE key = 'sync.credentials'").pluck().get() as string;
  expect(openCredentials(sealed, shellKey).terminalId).toBe(result.terminalId);
  expect(() => openCredentials(sealed, Buffer.alloc(32, 8))).toThrow(/cannot be opened/);
}, 30_000);
