/**
 * The token-signing private keys are sealed under the server's master key
 * (server/tokens/master-key.ts), kept outside the database: plain keys from an
 * older server are sealed at the first start with a master key; the rows alone
 * are no usable key; a wrong master key stops the start and changes nothing;
 * no master key, no token; a PGlite folder gets its key file beside it; the
 * server on PostgreSQL refuses to start without one.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { verifyMemberToken } from '../../main/backend/scanning/member-token-verify.ts';
import type { Db } from '../../server/store/db.ts';
import { migrate } from '../../server/store/migrations.ts';
import { openDatabase } from '../../server/store/open.ts';
import { openPglite } from '../../server/store/pglite.ts';
import { defaultMasterKeyPath, MasterKeyError } from '../../server/tokens/master-key.ts';
import { signMemberToken } from '../../server/tokens/member-token-sign.ts';
import { activeSigningKey, publicKeys, rotateSigningKey } from '../../server/tokens/signing-keys.ts';
import { tempDir } from '../helpers/terminal.ts';
import { pgliteDataDir } from './pglite-template.ts';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup) c();
});

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function keyFile(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return path;
}

async function rawRows(dir: string): Promise<{ kid: number; public_key: Buffer; private_key: Buffer }[]> {
  const db = await openPglite(dir);
  try {
    const rows = await db.query<{ kid: number; public_key: Uint8Array; private_key: Uint8Array }>(
      'SELECT kid, public_key, private_key FROM signing_keys ORDER BY kid',
    );
    return rows.map((r) => ({ kid: r.kid, public_key: Buffer.from(r.public_key), private_key: Buffer.from(r.private_key) }));
  } finally {
    await db.close();
  }
}

/** A key as a server from before master keys stored it: PKCS#8 DER in the clear. */
async function insertPlainKey(dir: string, kid: number): Promise<Buffer> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const db = await openPglite(dir);
  try {
    await db.query('INSERT INTO signing_keys (kid, public_key, private_key, created_at) VALUES ($1, $2, $3, $4)', [
      kid,
      Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
      der,
      T0,
    ]);
  } finally {
    await db.close();
  }
  return der;
}

/** Every way the attacker with the row could try to make a private key of it: none gives the row's public key. */
function expectNoUsableKey(row: { public_key: Buffer; private_key: Buffer }): void {
  expect(() => createPrivateKey({ key: row.private_key, format: 'der', type: 'pkcs8' })).toThrow();
  for (let at = 0; at + 32 <= row.private_key.length; at++) {
    const candidate = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, row.private_key.subarray(at, at + 32)]),
      format: 'der',
      type: 'pkcs8',
    });
    const pub = Buffer.from(createPublicKey(candidate).export({ format: 'jwk' }).x!, 'base64url');
    expect(pub.equals(row.public_key)).toBe(false);
  }
}

async function tokenVerifies(db: Db): Promise<boolean> {
  const { kid, privateKey } = await activeSigningKey(db, T0);
  const memberId = randomUUID();
  const token = signMemberToken({ memberId, cardNumber: null, issuedAt: T0, expiresAt: null }, privateKey, kid);
  const keys = new Map((await publicKeys(db)).map((k) => [k.kid, new Uint8Array(Buffer.from(k.publicKey, 'base64url'))]));
  const verified = verifyMemberToken(token, { keys, now: T0 });
  return verified.ok && verified.memberId === memberId;
}

describe('token-signing keys under the master key', () => {
  test('plain keys from an older server are sealed at the first start with a master key; they still sign; a row alone is no usable key', async () => {
    const files = tempDir('lt-master-key-');
    const dir = await pgliteDataDir();
    cleanup.push(files.remove, () => rmSync(dir, { recursive: true, force: true }));
    const der = await insertPlainKey(dir, 0);
    const masterKeyFile = keyFile(files.path, 'master.key');

    const db = await openDatabase({ dataDir: dir, masterKeyFile });
    try {
      expect(await tokenVerifies(db)).toBe(true);
      await rotateSigningKey(db, T0 + 1); // a key made now is sealed from the start
      expect(await tokenVerifies(db)).toBe(true);
    } finally {
      await db.close();
    }
    const rows = await rawRows(dir);
    expect(rows.map((r) => r.kid)).toEqual([0, 1]);
    for (const row of rows) {
      expect(row.private_key.subarray(0, 4).toString('ascii')).toBe('LTK1');
      expect(row.private_key.includes(der.subarray(16))).toBe(false); // the old seed is gone from the row
      expectNoUsableKey(row);
    }
  });

  test('a wrong master key stops the start with a clear error and changes nothing; the right one opens', async () => {
    const files = tempDir('lt-master-key-');
    const dir = await pgliteDataDir();
    cleanup.push(files.remove, () => rmSync(dir, { recursive: true, force: true }));
    const right = keyFile(files.path, 'right.key');
    const wrong = keyFile(files.path, 'wrong.key');
    const first = await openDatabase({ dataDir: dir, masterKeyFile: right });
    try {
      await activeSigningKey(first, T0); // key 0, sealed under the right key
    } finally {
      await first.close();
    }
    const plainDer = await insertPlainKey(dir, 1); // and one plain key, as if an old server had added it meanwhile
    const before = await rawRows(dir);

    const refused = await openDatabase({ dataDir: dir, masterKeyFile: wrong }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MasterKeyError);
    expect((refused as Error).message).toMatch(
      /sealed under master key [0-9a-f]{16}, but the configured master key .*wrong\.key.* is [0-9a-f]{16}/,
    );
    expect((refused as Error).message).toMatch(/LOYALTY_MASTER_KEY_FILE.*Nothing was changed/);
    const after = await rawRows(dir);
    expect(after).toEqual(before);
    expect(after[1]!.private_key.equals(plainDer)).toBe(true); // not sealed under the wrong key either

    // A missing file is named, not made (a mistyped path must not start a new key).
    const missing = join(files.path, 'nope.key');
    await expect(openDatabase({ dataDir: dir, masterKeyFile: missing })).rejects.toThrow(/nope\.key .*does not exist/);
    expect(existsSync(missing)).toBe(false);

    const db = await openDatabase({ dataDir: dir, masterKeyFile: right });
    try {
      expect(await tokenVerifies(db)).toBe(true);
    } finally {
      await db.close();
    }
    expect((await rawRows(dir)).every((r) => r.private_key.subarray(0, 4).toString('ascii') === 'LTK1')).toBe(true);

    // The right file lost for good: once every key is revoked (by hand), a new master key starts and signs with a new key.
    const raw = await openPglite(dir);
    try {
      await raw.query('UPDATE signing_keys SET revoked_at = $1 WHERE revoked_at IS NULL', [T0]);
    } finally {
      await raw.close();
    }
    const fresh = await openDatabase({ dataDir: dir, masterKeyFile: wrong });
    try {
      expect(await tokenVerifies(fresh)).toBe(true);
      expect((await activeSigningKey(fresh, T0)).kid).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  test('with no master key, no token is signed: the error names the setting', async () => {
    const db = await openPglite(undefined); // as on PostgreSQL with no master key configured
    try {
      await migrate(db);
      await expect(activeSigningKey(db, T0)).rejects.toThrow(/No master key is configured.*LOYALTY_MASTER_KEY_FILE/);
      await expect(rotateSigningKey(db, T0)).rejects.toThrow(MasterKeyError);
      expect(await db.query('SELECT kid FROM signing_keys')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  test('a PGlite folder with no key configured gets a 0600 key file beside it on first start, and uses it again', async () => {
    const dir = await pgliteDataDir();
    const path = defaultMasterKeyPath(dir);
    cleanup.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => rmSync(path, { force: true }),
    );
    const events: { path: string; created: boolean }[] = [];
    const first = await openDatabase({ dataDir: dir, onMasterKey: (e) => events.push(e) });
    await activeSigningKey(first, T0);
    await first.close();
    expect(path).toBe(`${dir}.master-key`); // beside, not inside: a copy of the folder does not carry its key
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = await openDatabase({ dataDir: dir, onMasterKey: (e) => events.push(e) });
    try {
      expect(await tokenVerifies(second)).toBe(true);
    } finally {
      await second.close();
    }
    expect(events).toEqual([
      { path, created: true },
      { path, created: false },
    ]);
  });
});

describe('server start', () => {
  const run = promisify(execFile);
  const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

  test('refuses DATABASE_URL without a master key file, naming the setting, before connecting', async () => {
    const env = { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOYALTY_MASTER_KEY_FILE: '' };
    const failed = await run(TSX, ['server/main.ts', '--port', '0'], { env, cwd: process.cwd(), timeout: 60_000 }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/DATABASE_URL is set but no master key file is \(--master-key-file \/ LOYALTY_MASTER_KEY_FILE\)/);
    expect(failed?.stderr).not.toMatch(/ECONNREFUSED/);
  }, 60_000);
});
