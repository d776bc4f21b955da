import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { keyFileSource, openCredentials, sealCredentials } from '../../../main/backend/sync/credentials.ts';
import { tempDir } from '../../helpers/terminal.ts';

const creds = {
  serverUrl: 'https://loyalty.example:8443',
  terminalId: '0195a0c0-0000-7000-8000-000000000001',
  storeId: 's1',
  secret: 'A'.repeat(43),
  caPem: null,
};
let dir: { path: string; remove(): void } | null = null;
afterEach(() => dir?.remove());

test('sealed with AES-256-GCM: no clear text, a new IV each time, tampering and the wrong key detected', () => {
  const key = Buffer.alloc(32, 1);
  const a = sealCredentials(creds, key);
  const b = sealCredentials(creds, key);
  expect(a).not.toBe(b);
  expect(a).not.toContain(creds.secret);
  expect(Buffer.from(a.slice(3), 'base64url').includes(Buffer.from(creds.secret))).toBe(false);
  expect(openCredentials(a, key)).toEqual(creds);
  expect(() => openCredentials(a, Buffer.alloc(32, 2))).toThrow(/cannot be opened/);
  const tampered = a.slice(0, -2) + (a.endsWith('AA') ? 'BB' : 'AA');
  expect(() => openCredentials(tampered, key)).toThrow(/cannot be opened/);
  expect(() => openCredentials('v9.xyz', key)).toThrow(/unknown format/);
});

test('the key file is made once, 32 bytes, mode 0600, and reused', () => {
  dir = tempDir();
  const path = join(dir.path, 't.sqlite.key');
  const first = keyFileSource(path)();
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(keyFileSource(path)()).toEqual(first);
  expect(readFileSync(path)).toEqual(first);
  writeFileSync(join(dir.path, 'bad.key'), 'short');
  expect(() => keyFileSource(join(dir!.path, 'bad.key'))()).toThrow(/damaged/);
});

test('holds the device signing key (protocol 2), a version-1 secret, or both while a move is pending; never neither', () => {
  const key = Buffer.alloc(32, 3);
  const { secret, ...identity } = creds;
  const signingKey = 'B'.repeat(64);
  for (const c of [
    { ...identity, signingKey },
    { ...identity, secret },
    { ...identity, secret, signingKey },
  ]) {
    const sealed = sealCredentials(c, key);
    expect(sealed).not.toContain(signingKey);
    expect(openCredentials(sealed, key)).toEqual(c);
  }
  expect(() => openCredentials(sealCredentials(identity as never, key), key)).toThrow(/incomplete/);
});
