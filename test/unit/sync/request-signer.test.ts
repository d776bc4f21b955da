/** The terminal's request signatures: LT2-ED25519 with its device key (protocol 2), LT1-HMAC-SHA256 with a version-1 secret; the header both sides parse. */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { expect, test } from 'vitest';
import { authorizationFor, devicePublicKeyOf, newDeviceKeyPair } from '../../../main/backend/sync/request-signer.ts';
import { canonicalRequest, parseAuthorization } from '../../../shared/sync-auth.ts';

const TERMINAL = '0195a3c4-7b2e-7c1d-9f00-123456789abc';
const TS = Date.UTC(2026, 2, 2, 10);

test('an Ed25519 header carries an 86-character signature of the canonical request that the public key verifies', async () => {
  const keys = newDeviceKeyPair();
  expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(devicePublicKeyOf(keys.signingKey)).toBe(keys.publicKey);
  const body = '{"events":[]}';
  const header = await authorizationFor(
    { terminalId: TERMINAL, signingKey: keys.signingKey },
    { method: 'post', pathWithQuery: '/v1/events', body, ts: TS, nonce: 'n'.repeat(22) },
  );
  expect(header).toMatch(/^LT2-ED25519 terminal=\S+, ts=\d+, nonce=n{22}, sig=[A-Za-z0-9_-]{86}$/);
  const parsed = parseAuthorization(header)!;
  expect(parsed).toMatchObject({ protocolVersion: 2, terminalId: TERMINAL, ts: TS, nonce: 'n'.repeat(22) });
  const canonical = canonicalRequest('POST', '/v1/events', TS, parsed.nonce, createHash('sha256').update(body).digest('hex'));
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: keys.publicKey }, format: 'jwk' });
  expect(verify(null, Buffer.from(canonical), publicKey, Buffer.from(parsed.sig, 'base64url'))).toBe(true);
  expect(verify(null, Buffer.from(canonical + ' '), publicKey, Buffer.from(parsed.sig, 'base64url'))).toBe(false);
  // A fresh nonce every time unless one is given.
  const again = await authorizationFor(
    { terminalId: TERMINAL, signingKey: keys.signingKey },
    { method: 'GET', pathWithQuery: '/v1/changes', ts: TS },
  );
  const other = await authorizationFor(
    { terminalId: TERMINAL, signingKey: keys.signingKey },
    { method: 'GET', pathWithQuery: '/v1/changes', ts: TS },
  );
  expect(parseAuthorization(again)!.nonce).not.toBe(parseAuthorization(other)!.nonce);
});

test('a version-1 secret still signs LT1-HMAC-SHA256 (43 characters)', async () => {
  const header = await authorizationFor(
    { terminalId: TERMINAL, secret: 'A'.repeat(43) },
    { method: 'GET', pathWithQuery: '/v1/changes', ts: TS },
  );
  expect(header).toMatch(/^LT1-HMAC-SHA256 /);
  expect(parseAuthorization(header)).toMatchObject({ protocolVersion: 1, terminalId: TERMINAL, ts: TS });
});

test("the header parse refuses a signature of the other scheme's length, unknown schemes, missing, extra and repeated fields", () => {
  const fields = (sig: string) => `terminal=${TERMINAL}, ts=${TS}, nonce=${'n'.repeat(16)}, sig=${sig}`;
  expect(parseAuthorization(`LT2-ED25519 ${fields('A'.repeat(86))}`)?.protocolVersion).toBe(2);
  expect(parseAuthorization(`LT1-HMAC-SHA256 ${fields('A'.repeat(43))}`)?.protocolVersion).toBe(1);
  expect(parseAuthorization(`LT2-ED25519 ${fields('A'.repeat(43))}`)).toBeNull();
  expect(parseAuthorization(`LT1-HMAC-SHA256 ${fields('A'.repeat(86))}`)).toBeNull();
  expect(parseAuthorization(`LT3-RSA ${fields('A'.repeat(86))}`)).toBeNull();
  expect(parseAuthorization(`LT2-ED25519 ${fields('A'.repeat(86))}, extra=1`)).toBeNull();
  expect(parseAuthorization(`LT2-ED25519 terminal=${TERMINAL}, terminal=${TERMINAL}, ts=${TS}, sig=${'A'.repeat(86)}`)).toBeNull();
  expect(parseAuthorization(`LT2-ED25519 terminal=${TERMINAL}, ts=${TS}, sig=${'A'.repeat(86)}`)).toBeNull();
  expect(parseAuthorization(undefined)).toBeNull();
});
