import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPairingCode, revokeTerminal } from '../../server/admin/terminals.ts';
import { authorizationFor, newDeviceKeyPair } from '../../main/backend/sync/request-signer.ts';
import { DEFAULT_V1_TRANSITION_MS, parseV1AcceptedUntil } from '../../server/auth/protocol-window.ts';
import { deviceKeyResponseSchema, pairResponseSchema, syncErrorSchema } from '../../shared/sync-protocol.ts';
import { EventLog } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness } from './harness.ts';

usePostgresCluster();

describe.each(DRIVERS)('pairing and authentication (%s)', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    // This file pairs more terminals than the default per-address pairing rate lets through in a minute.
    h = await startHarness(driver, { limits: { pairPerAddress: 100 } });
  }, 60_000);
  afterAll(() => h?.close());

  const pairWith = (code: string) =>
    h.request(null, 'POST', '/v1/pair', { code, terminalName: 'Till', publicKey: newDeviceKeyPair().publicKey });
  const reason = (body: unknown) => syncErrorSchema.parse(body).details?.reason;
  const appliedEvents = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events'))[0]!.n;

  it('pairs once with a code typed loosely, and never again with the same code', async () => {
    const { code } = await createPairingCode(h.db, { storeId: h.storeId }, T0);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const first = await pairWith(` ${code.toLowerCase().replace('-', ' ')} `);
    expect(first.status).toBe(200);
    const paired = pairResponseSchema.parse(first.body);
    expect(paired).toMatchObject({ storeId: h.storeId, store: { timeZone: 'Europe/Paris', currency: 'EUR' } });
    expect(paired.publicKeys.length).toBeGreaterThan(0);
    const second = await pairWith(code);
    expect(second.status).toBe(401);
    expect(reason(second.body)).toBe('pairing_code_used');
    // Only a hash of the code is stored; the terminal got no secret, and the server keeps its public key only.
    expect(paired.secret).toBeUndefined();
    const dump = JSON.stringify(await h.db.query('SELECT * FROM pairing_codes'));
    expect(dump).not.toContain(code.replace('-', ''));
    const [row] = await h.db.query<{ hmac_key: Uint8Array | null; public_key: Uint8Array }>(
      'SELECT hmac_key, public_key FROM terminals WHERE id = $1',
      [paired.terminalId],
    );
    expect(row!.hmac_key).toBeNull();
    expect(Buffer.from(row!.public_key)).toHaveLength(32);
  });

  it('refuses expired and unknown codes', async () => {
    const { code } = await createPairingCode(h.db, { storeId: h.storeId, ttlMs: 60_000 }, T0);
    h.clock.now = T0 + 60_001;
    const expired = await pairWith(code);
    h.clock.now = T0;
    expect([expired.status, reason(expired.body)]).toEqual([401, 'pairing_code_expired']);
    const unknown = await pairWith('AAAAA-AAAAA');
    expect([unknown.status, reason(unknown.body)]).toEqual([401, 'pairing_code_invalid']);
  });

  it('refuses forged, skewed, replayed, unknown and revoked credentials with 401 and applies nothing', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    log.enrol(randomUUID());
    const body = { events: log.events };
    const before = await appliedEvents();

    const forged = await h.request(t, 'POST', '/v1/events', body, { signingKey: newDeviceKeyPair().signingKey });
    expect([forged.status, reason(forged.body)]).toEqual([401, 'bad_signature']);
    const hmacForged = await h.request(t, 'POST', '/v1/events', body, { secret: Buffer.alloc(32, 7).toString('base64url') });
    expect([hmacForged.status, reason(hmacForged.body)]).toEqual([401, 'device_key_registered']);
    const tampered = await h.request(t, 'POST', '/v1/events', body, { rawBody: JSON.stringify({ events: [] }) + ' ' });
    expect(tampered.status).toBe(400); // signed over these exact bytes: valid signature, invalid body
    const skewed = await h.request(t, 'POST', '/v1/events', body, { ts: T0 - 5 * 60_000 - 1 });
    expect([skewed.status, reason(skewed.body)]).toEqual([401, 'clock_skew']);
    const future = await h.request(t, 'POST', '/v1/events', body, { ts: T0 + 5 * 60_000 + 1 });
    expect(reason(future.body)).toBe('clock_skew');
    const stranger = await h.request({ ...t, terminalId: randomUUID() }, 'POST', '/v1/events', body);
    expect([stranger.status, reason(stranger.body)]).toEqual([401, 'unknown_terminal']);
    const unsigned = await h.request(null, 'POST', '/v1/events', body);
    expect([unsigned.status, reason(unsigned.body)]).toEqual([401, 'missing']);
    const garbage = await fetch(`${h.url}/v1/changes`, { headers: { authorization: 'LT1-HMAC-SHA256 terminal=x' } });
    expect([garbage.status, reason(await garbage.json())]).toEqual([401, 'malformed']);
    expect(await appliedEvents()).toBe(before);

    const nonce = 'replayed-nonce-0123456789';
    const once = await h.request(t, 'POST', '/v1/events', body, { nonce });
    expect(once.status).toBe(200);
    const replay = await h.request(t, 'POST', '/v1/events', body, { nonce });
    expect([replay.status, reason(replay.body)]).toEqual([401, 'replay']);

    await revokeTerminal(h.db, t.terminalId, T0);
    const log2 = new EventLog(h.storeId);
    log2.seq = 1;
    log2.enrol(randomUUID());
    const revoked = await h.request(t, 'POST', '/v1/events', { events: log2.events });
    expect([revoked.status, reason(revoked.body)]).toEqual([401, 'revoked']);
    expect(await appliedEvents()).toBe(before + 1);
  });

  it('signs the query string: a changed cursor breaks the signature', async () => {
    const t = await h.pair();
    const authorization = await authorizationFor(
      { terminalId: t.terminalId, signingKey: t.signingKey! },
      { method: 'GET', pathWithQuery: '/v1/changes?limit=1', ts: T0 },
    );
    const res = await fetch(`${h.url}/v1/changes?limit=2`, { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(reason(await res.json())).toBe('bad_signature');
  });
  it("refuses a forged Ed25519 signature, another terminal's key and a replayed nonce; a refused request does not use up its nonce", async () => {
    const t = await h.pair('Till A');
    const other = await h.pair('Till B');
    const path = '/v1/changes?limit=1';

    // 86 base64url characters that are not this request's signature.
    const good = await authorizationFor(
      { terminalId: t.terminalId, signingKey: t.signingKey! },
      { method: 'GET', pathWithQuery: path, ts: T0 },
    );
    const sig = good.slice(good.indexOf('sig=') + 4);
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const forged = await fetch(h.url + path, { headers: { authorization: good.replace(sig, flipped) } });
    expect([forged.status, reason(await forged.json())]).toEqual([401, 'bad_signature']);
    const zeros = await fetch(h.url + path, { headers: { authorization: good.replace(sig, 'A'.repeat(86)) } });
    expect([zeros.status, reason(await zeros.json())]).toEqual([401, 'bad_signature']);
    // An HMAC-length signature under the Ed25519 scheme is malformed.
    const short = await fetch(h.url + path, { headers: { authorization: good.replace(sig, 'A'.repeat(43)) } });
    expect([short.status, reason(await short.json())]).toEqual([401, 'malformed']);

    const nonce = 'ed25519-nonce-0123456789';
    const wrongKey = await h.request(t, 'GET', path, undefined, { signingKey: other.signingKey!, nonce });
    expect([wrongKey.status, reason(wrongKey.body)]).toEqual([401, 'bad_signature']);
    // The forged request did not record the nonce: the terminal's own request with it goes through once.
    expect((await h.request(t, 'GET', path, undefined, { nonce })).status).toBe(200);
    const replay = await h.request(t, 'GET', path, undefined, { nonce });
    expect([replay.status, reason(replay.body)]).toEqual([401, 'replay']);
    // B's key signs for B only.
    expect((await h.request(other, 'GET', path)).status).toBe(200);
  });

  it('a terminal paired the old way signs with HMAC (protocol version 1) until it registers a device key; then only the key signs for it', async () => {
    const legacy = await h.pairLegacy('Old till');
    expect(legacy.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const path = '/v1/changes?limit=1';
    const before = h.logs.length;
    expect((await h.request(legacy, 'GET', path)).status).toBe(200);
    const handled = h.logs.slice(before).map((l) => JSON.parse(l) as { route?: string; protocolVersion?: number });
    expect(handled.find((l) => l.route === 'pullChanges')?.protocolVersion).toBe(1);
    // An Ed25519 signature from a terminal without a registered key holds nothing.
    expect(reason((await h.request(legacy, 'GET', path, undefined, { signingKey: newDeviceKeyPair().signingKey })).body)).toBe(
      'bad_signature',
    );

    const keys = newDeviceKeyPair();
    const registered = await h.request(legacy, 'POST', '/v1/device-key', { publicKey: keys.publicKey });
    expect(registered.status).toBe(200);
    expect(deviceKeyResponseSchema.parse(registered.body)).toEqual({
      terminalId: legacy.terminalId,
      publicKey: keys.publicKey,
      protocolVersion: 2,
      registeredAt: T0,
    });
    const [row] = await h.db.query<{ hmac_key: Uint8Array | null; public_key: Uint8Array }>(
      'SELECT hmac_key, public_key FROM terminals WHERE id = $1',
      [legacy.terminalId],
    );
    expect(row!.hmac_key).toBeNull();
    expect(Buffer.from(row!.public_key).toString('base64url')).toBe(keys.publicKey);

    // HMAC is refused from now on, with its own reason; the device key signs.
    const hmac = await h.request(legacy, 'GET', path);
    expect([hmac.status, reason(hmac.body)]).toEqual([401, 'device_key_registered']);
    const migrated = { ...legacy, ...keys, secret: undefined };
    expect((await h.request(migrated, 'GET', path)).status).toBe(200);
    // The same key again (the terminal lost the answer) is answered the same; another key is a conflict.
    const again = await h.request(migrated, 'POST', '/v1/device-key', { publicKey: keys.publicKey });
    expect([again.status, (again.body as { registeredAt: number }).registeredAt]).toEqual([200, T0]);
    const another = await h.request(migrated, 'POST', '/v1/device-key', { publicKey: newDeviceKeyPair().publicKey });
    expect([another.status, (another.body as { code: string }).code]).toEqual([409, 'CONFLICT']);
    // Not a raw 32-byte key.
    const junk = await h.request(migrated, 'POST', '/v1/device-key', { publicKey: 'A'.repeat(44) });
    expect(junk.status).toBe(400);
  });

  it('after the transition window refuses HMAC with protocol_retired, and version-1 pairing too; device keys go on', async () => {
    const legacy = await h.pairLegacy('Old till 2');
    const modern = await h.pair('New till');
    const path = '/v1/changes?limit=1';
    const [{ first_started_at: since }] = (await h.db.query<{ first_started_at: number }>(
      'SELECT first_started_at FROM protocol_versions WHERE version = 2',
    )) as [{ first_started_at: number }];
    // The default window: 90 days after this server first ran version 2. Move that start back so the window ends now.
    await h.db.query('UPDATE protocol_versions SET first_started_at = $1 WHERE version = 2', [T0 + 1_000 - DEFAULT_V1_TRANSITION_MS]);
    try {
      expect((await h.request(legacy, 'GET', path)).status).toBe(200); // 1 s before the end
      h.clock.now = T0 + 1_000;
      const retired = await h.request(legacy, 'GET', path);
      expect([retired.status, reason(retired.body)]).toEqual([401, 'protocol_retired']);
      const register = await h.request(legacy, 'POST', '/v1/device-key', { publicKey: newDeviceKeyPair().publicKey });
      expect(reason(register.body)).toBe('protocol_retired');
      const { code } = await createPairingCode(h.db, { storeId: h.storeId }, h.clock.now);
      const oldPairing = await h.request(null, 'POST', '/v1/pair', { code, terminalName: 'Old software' });
      expect([oldPairing.status, reason(oldPairing.body)]).toEqual([401, 'protocol_retired']);
      expect((await h.request(modern, 'GET', path)).status).toBe(200);
    } finally {
      h.clock.now = T0;
      await h.db.query('UPDATE protocol_versions SET first_started_at = $1 WHERE version = 2', [since]);
    }
  });
});

describe('the transition window from the configuration', () => {
  it('refuses HMAC and version-1 pairing from the configured date (protocol.v1AcceptedUntil); device keys are unaffected', async () => {
    const h = await startHarness('pglite', { protocol: { v1AcceptedUntil: T0 + 60_000 } });
    try {
      const legacy = await h.pairLegacy('Old till');
      const modern = await h.pair('New till');
      expect((await h.request(legacy, 'GET', '/v1/changes?limit=1')).status).toBe(200);
      h.clock.now = T0 + 60_000;
      const retired = await h.request(legacy, 'GET', '/v1/changes?limit=1');
      expect([retired.status, syncErrorSchema.parse(retired.body).details?.reason]).toEqual([401, 'protocol_retired']);
      expect(syncErrorSchema.parse(retired.body).message).toMatch(/pair it again/);
      const { code } = await createPairingCode(h.db, { storeId: h.storeId }, h.clock.now);
      const oldPairing = await h.request(null, 'POST', '/v1/pair', { code, terminalName: 'Old software' });
      expect(syncErrorSchema.parse(oldPairing.body).details?.reason).toBe('protocol_retired');
      expect((await h.request(modern, 'GET', '/v1/changes?limit=1')).status).toBe(200);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('reads the configured date as ISO, naming the setting when it cannot', () => {
    expect(parseV1AcceptedUntil('2027-03-31', 'X')).toBe(Date.UTC(2027, 2, 31));
    expect(parseV1AcceptedUntil(' 2027-03-31T12:00:00+02:00 ', 'X')).toBe(Date.UTC(2027, 2, 31, 10));
    expect(() => parseV1AcceptedUntil('next spring', '--v1-accepted-until / LOYALTY_V1_ACCEPTED_UNTIL')).toThrow(
      /--v1-accepted-until \/ LOYALTY_V1_ACCEPTED_UNTIL must be an ISO date/,
    );
  });
});
