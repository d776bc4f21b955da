/**
 * A copy of the server's database signs as no till and mints no member token.
 * On real PostgreSQL: with every row of `terminals` and `signing_keys` in hand
 * (a backup, a dump, a stolen replica), the attacker tries every byte string
 * there as an HMAC key and as an Ed25519 private key, for every terminal,
 * and as a token-signing key: the server answers 401 to each request and the
 * terminals refuse each token. Only the master key file (kept apart) and the
 * tills' own keys sign, and neither is in the database.
 */
import { createHash, createHmac, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifyMemberToken } from '../../../main/backend/scanning/member-token-verify.ts';
import { newDeviceKeyPair } from '../../../main/backend/sync/request-signer.ts';
import { signMemberToken } from '../../../server/tokens/member-token-sign.ts';
import { AUTH_SCHEME, canonicalRequest, ed25519Authorization } from '../../../shared/sync-auth.ts';
import { EventLog } from '../events.ts';
import { startHarness, T0, usePostgresCluster, type Harness, type Terminal } from '../harness.ts';

usePostgresCluster();

let h: Harness;
beforeAll(async () => {
  h = await startHarness('postgres', { limits: { pairPerAddress: 100 } });
}, 60_000);
afterAll(() => h?.close());

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

interface Copy {
  terminals: Record<string, unknown>[];
  signingKeys: Record<string, unknown>[];
}

/** Everything the two tables hold, as a dump would. */
async function copyOfDatabase(): Promise<Copy> {
  return {
    terminals: await h.db.query('SELECT * FROM terminals ORDER BY id'),
    signingKeys: await h.db.query('SELECT * FROM signing_keys ORDER BY kid'),
  };
}

/** Every byte string in the rows (keys, and anything else a column holds). */
function byteStrings(rows: Record<string, unknown>[]): Buffer[] {
  return rows.flatMap((r) =>
    Object.values(r)
      .filter((v): v is Uint8Array => v instanceof Uint8Array)
      .map((v) => Buffer.from(v)),
  );
}

/** Every Ed25519 private key an attacker could read out of these bytes: a PKCS#8 DER as is, and each 32-byte window as a seed. */
function candidatePrivateKeys(bytes: Buffer[]) {
  const out = [];
  for (const b of bytes) {
    try {
      out.push(createPrivateKey({ key: b, format: 'der', type: 'pkcs8' }));
    } catch {
      // not a plain private key
    }
    for (let at = 0; at + 32 <= b.length; at++)
      out.push(createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, b.subarray(at, at + 32)]), format: 'der', type: 'pkcs8' }));
  }
  return out;
}

async function attempt(authorization: string, path: string, body?: string): Promise<number> {
  const res = await fetch(h.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Signs as `terminalId` with every key material in the copy, as version 1 (HMAC with the bytes as key) and version 2 (Ed25519). */
async function forgeAll(copy: Copy, terminalId: string, path: string, body?: string): Promise<number[]> {
  const bytes = byteStrings([...copy.terminals, ...copy.signingKeys]);
  const bodyHash = createHash('sha256')
    .update(body ?? '')
    .digest('hex');
  const statuses: number[] = [];
  let n = 0;
  for (const key of bytes) {
    const nonce = `forged-hmac-${n++}-${randomUUID()}`.slice(0, 64);
    const canonical = canonicalRequest(body === undefined ? 'GET' : 'POST', path, h.clock.now, nonce, bodyHash);
    const sig = createHmac('sha256', key).update(canonical).digest('base64url');
    statuses.push(await attempt(`${AUTH_SCHEME} terminal=${terminalId}, ts=${h.clock.now}, nonce=${nonce}, sig=${sig}`, path, body));
  }
  for (const key of candidatePrivateKeys(bytes)) {
    const nonce = `forged-ed-${n++}-${randomUUID()}`.slice(0, 64);
    const canonical = canonicalRequest(body === undefined ? 'GET' : 'POST', path, h.clock.now, nonce, bodyHash);
    statuses.push(await attempt(ed25519Authorization(terminalId, h.clock.now, nonce, sign(null, Buffer.from(canonical), key)), path, body));
  }
  return statuses;
}

test('with the terminals and signing_keys rows copied, nobody signs a request as any terminal nor a member token', async () => {
  const a = await h.pair('Till A');
  const b = await h.pair('Till B');
  const legacy = await h.pairLegacy('Old till');
  // A copy taken while the old till still had its HMAC key (protocol version 1, inside the transition window)…
  const early = await copyOfDatabase();
  // …which then registers its own key on its next sync.
  const keys = newDeviceKeyPair();
  expect((await h.request(legacy, 'POST', '/v1/device-key', { publicKey: keys.publicKey })).status).toBe(200);
  const migrated: Terminal = { ...legacy, ...keys, secret: undefined };

  // A member with a token signed by the programme's key.
  const memberId = randomUUID();
  const log = new EventLog(h.storeId);
  log.enrol(memberId, { bonus: 100 });
  expect((await h.request(a, 'POST', '/v1/events', { events: log.events })).status).toBe(200);
  const issued = await h.request(a, 'POST', '/v1/member-tokens', { memberId });
  expect(issued.status).toBe(200);
  const late = await copyOfDatabase();
  expect(late.signingKeys.length).toBeGreaterThan(0);
  expect(late.terminals.length).toBe(3);
  for (const t of late.terminals) expect(t.hmac_key).toBeNull(); // nothing in the copy is a key the server verifies HMAC with

  const appliedBefore = (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events'))[0]!.n;
  const tokensBefore = await h.db.query('SELECT * FROM member_tokens').catch(() => []);
  const events = new EventLog(h.storeId);
  events.seq = 1;
  events.enrol(randomUUID(), { bonus: 5000 });
  const pushBody = JSON.stringify({ events: events.events });
  for (const copy of [early, late]) {
    for (const t of [a, b, migrated]) {
      const pulls = await forgeAll(copy, t.terminalId, '/v1/changes?limit=1');
      expect(pulls.length).toBeGreaterThan(10);
      expect(new Set(pulls), `GET /v1/changes as ${t.terminalId}`).toEqual(new Set([401]));
      const pushes = await forgeAll(copy, t.terminalId, '/v1/events', pushBody);
      expect(new Set(pushes), `POST /v1/events as ${t.terminalId}`).toEqual(new Set([401]));
      const mints = await forgeAll(copy, t.terminalId, '/v1/member-tokens', JSON.stringify({ memberId }));
      expect(new Set(mints), `POST /v1/member-tokens as ${t.terminalId}`).toEqual(new Set([401]));
    }
  }
  expect((await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events'))[0]!.n).toBe(appliedBefore);
  expect(await h.db.query('SELECT * FROM member_tokens').catch(() => [])).toEqual(tokensBefore);

  // Member tokens: the terminals verify with the published public keys; no key from the copy makes one they accept.
  const pub = new Map(late.signingKeys.map((k) => [Number(k.kid), new Uint8Array(k.public_key as Uint8Array)]));
  const genuine = verifyMemberToken((issued.body as { token: string }).token, { keys: pub, now: h.clock.now });
  expect(genuine).toMatchObject({ ok: true, memberId });
  const candidates = candidatePrivateKeys(byteStrings(late.signingKeys));
  expect(candidates.length).toBeGreaterThan(10);
  for (const candidate of candidates)
    for (const k of late.signingKeys) {
      const forged = signMemberToken({ memberId, cardNumber: null, issuedAt: T0, expiresAt: null }, candidate, Number(k.kid));
      expect(verifyMemberToken(forged, { keys: pub, now: h.clock.now })).toMatchObject({ ok: false, reason: 'bad-signature' });
    }

  // The forgeries are real attempts: against a till still on its HMAC key (version 1, in the transition window), the
  // same copy does sign, which is why that window is bounded and every till registers its own key on its next sync.
  const unmoved = await h.pairLegacy('Not yet updated');
  const control = await forgeAll(await copyOfDatabase(), unmoved.terminalId, '/v1/changes?limit=1');
  expect(control).toContain(200);

  // The tills themselves still sign.
  for (const t of [a, b, migrated]) expect((await h.request(t, 'GET', '/v1/changes?limit=1')).status).toBe(200);
}, 240_000);
