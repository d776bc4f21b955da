import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPairingCode, revokeTerminal } from '../../server/admin/terminals.ts';
import { pairResponseSchema, syncErrorSchema } from '../../shared/sync-protocol.ts';
import { EventLog } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness } from './harness.ts';

usePostgresCluster();

describe.each(DRIVERS)('pairing and authentication (%s)', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(driver);
  }, 60_000);
  afterAll(() => h?.close());

  const pairWith = (code: string) => h.request(null, 'POST', '/v1/pair', { code, terminalName: 'Till' });
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
    // Only a hash of the code and of the secret is stored.
    const dump =
      JSON.stringify(await h.db.query('SELECT * FROM pairing_codes')) +
      JSON.stringify(await h.db.query("SELECT id, encode(hmac_key, 'base64') AS k FROM terminals"));
    expect(dump).not.toContain(code.replace('-', ''));
    expect(dump).not.toContain(Buffer.from(paired.secret, 'base64url').toString('base64'));
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

    const forged = await h.request(t, 'POST', '/v1/events', body, { secret: Buffer.alloc(32, 7).toString('base64url') });
    expect([forged.status, reason(forged.body)]).toEqual([401, 'bad_signature']);
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
    const { signRequest } = await import('../../shared/sync-auth.ts');
    const authorization = await signRequest({
      terminalId: t.terminalId,
      secret: t.secret,
      method: 'GET',
      pathWithQuery: '/v1/changes?limit=1',
      ts: T0,
    });
    const res = await fetch(`${h.url}/v1/changes?limit=2`, { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(reason(await res.json())).toBe('bad_signature');
  });
});
