import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyMemberToken } from '../../main/backend/scanning/member-token-verify.ts';
import { showMember } from '../../server/admin/members.ts';
import { revokeSigningKey, rotateSigningKey } from '../../server/tokens/signing-keys.ts';
import { holdResponseSchema, memberTokenResponseSchema, pullResponseSchema } from '../../shared/sync-protocol.ts';
import { EventLog } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

describe.each(DRIVERS)('holds and member tokens (%s)', (driver) => {
  let h: Harness;
  let t: Terminal;
  let log: EventLog;
  const m = randomUUID();
  beforeAll(async () => {
    h = await startHarness(driver);
    t = await h.pair();
    log = new EventLog(h.storeId);
    log.enrol(m, { bonus: 1000, cardNumber: '2912345678906' });
    expect((await h.request(t, 'POST', '/v1/events', { events: log.events })).status).toBe(200);
  }, 60_000);
  afterAll(() => h?.close());

  const hold = (points: number, holdId: string = randomUUID(), ttlMs = 60_000, memberId = m) =>
    h.request(t, 'POST', '/v1/holds', { holdId, memberId, points, ttlMs });

  it('reserves points, refuses what is not available (naming no figure), is idempotent, releases and expires', async () => {
    const first = await hold(600);
    expect(first.status).toBe(200);
    const a = holdResponseSchema.parse(first.body);
    expect(a).toEqual({ holdId: a.holdId, status: 'active', points: 600, expiresAt: T0 + 60_000 });
    const again = await hold(600, a.holdId);
    expect(holdResponseSchema.parse(again.body)).toMatchObject({ holdId: a.holdId, status: 'active' });
    const tooMuch = await hold(500);
    expect(tooMuch).toMatchObject({ status: 409, body: { code: 'INSUFFICIENT_POINTS' } });
    expect(tooMuch.body).not.toHaveProperty('details');
    expect((await hold(400)).status).toBe(200); // exactly what is left
    const reused = await hold(10, a.holdId);
    expect(reused).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });

    const released = await h.request(t, 'POST', `/v1/holds/${a.holdId}/release`);
    expect(holdResponseSchema.parse(released.body)).toMatchObject({ status: 'released' });
    const releasedAgain = await h.request(t, 'POST', `/v1/holds/${a.holdId}/release`);
    expect(holdResponseSchema.parse(releasedAgain.body).status).toBe('released');

    const b = holdResponseSchema.parse((await hold(600, randomUUID(), 1000)).body);
    expect((await hold(1)).body).toMatchObject({ code: 'INSUFFICIENT_POINTS' }); // 400 + 600 held
    h.clock.now = T0 + 1000; // expired holds stop counting
    expect((await hold(600)).status).toBe(200);
    h.clock.now = T0;
    await h.request(t, 'POST', '/v1/holds/' + b.holdId + '/release');
    await h.db.query("UPDATE holds SET status = 'released' WHERE member_id = $1 AND status = 'active'", [m]);
  });

  it('posts a hold with the sale that used it', async () => {
    const a = holdResponseSchema.parse((await hold(100, randomUUID(), 600_000)).body);
    log.sale(m, { redeem: 100, holdId: a.holdId });
    const res = await h.request(t, 'POST', '/v1/events', { events: log.events });
    expect(res.status).toBe(200);
    const [row] = await h.db.query<{ status: string }>('SELECT status FROM holds WHERE id = $1', [a.holdId]);
    expect(row!.status).toBe('posted');
    expect((await showMember(h.db, m)).member.balance).toBeLessThan(1000);
    const released = await h.request(t, 'POST', `/v1/holds/${a.holdId}/release`);
    expect(holdResponseSchema.parse(released.body).status).toBe('posted');
  });

  it('answers 404 for an unknown member or hold', async () => {
    expect(await hold(1, randomUUID(), 60_000, randomUUID())).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await h.request(t, 'POST', `/v1/holds/${randomUUID()}/release`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await h.request(t, 'POST', '/v1/member-tokens', { memberId: randomUUID() })).toMatchObject({ status: 404 });
  });

  it('issues member tokens that the terminal verifies with the pulled keys, across a key rotation', async () => {
    const keysFromPull = async () => {
      const page = pullResponseSchema.parse((await h.request(t, 'GET', '/v1/changes?limit=5000')).body);
      return new Map(page.publicKeys.filter((k) => !k.revoked).map((k) => [k.kid, new Uint8Array(Buffer.from(k.publicKey, 'base64url'))]));
    };
    const issue = async (ttlMs?: number) =>
      memberTokenResponseSchema.parse(
        (await h.request(t, 'POST', '/v1/member-tokens', { memberId: m, ...(ttlMs === undefined ? {} : { ttlMs }) })).body,
      );
    const old = await issue();
    let keys = await keysFromPull();
    expect(verifyMemberToken(old.token, { keys, now: T0 })).toMatchObject({
      ok: true,
      memberId: m,
      cardNumber: '2912345678906',
      keyId: old.keyId,
    });

    const { kid } = await rotateSigningKey(h.db, T0);
    const fresh = await issue(3_600_000);
    expect(fresh.keyId).toBe(kid);
    keys = await keysFromPull();
    expect(verifyMemberToken(fresh.token, { keys, now: T0 })).toMatchObject({ ok: true, expiresAt: T0 + 3_600_000 });
    expect(verifyMemberToken(old.token, { keys, now: T0 }).ok).toBe(true); // the old key still verifies
    expect(verifyMemberToken(fresh.token, { keys, now: T0 + 3_600_000 })).toMatchObject({ ok: false, reason: 'expired' });

    await revokeSigningKey(h.db, old.keyId, T0);
    keys = await keysFromPull();
    expect(verifyMemberToken(old.token, { keys, now: T0 })).toMatchObject({ ok: false, reason: 'unknown-key' });
  });
});
