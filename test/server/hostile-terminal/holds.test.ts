/**
 * A till that floods the server with redemption holds (issue 13, "Trust no till"), on real
 * PostgreSQL: holds are rate-limited per till (429 with Retry-After, exactly the allowance passes
 * a parallel burst), bounded in size and lifetime, never reserve more than the member has, a
 * refusal names no balance, another till can neither release nor post a hold it did not place,
 * and no other member's balance moves.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgram } from '../../../server/admin/catalogue.ts';
import { importMembers } from '../../../server/admin/import-members.ts';
import { holdResponseSchema } from '../../../shared/sync-protocol.ts';
import { programWith } from '../../fixtures/program.ts';
import { EventLog } from '../events.ts';
import { startHarness, T0, usePostgresCluster, type Harness, type Terminal } from '../harness.ts';

usePostgresCluster();

const member = (n: number) => `0195a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`;
const VICTIM = member(1);
const BYSTANDERS = [member(2), member(3), member(4)];
/** The member whose hold another till tries to steal. */
const TARGET = member(5);
const BALANCE = 5000;

let h: Harness;
let till: Terminal;
let other: Terminal;
let bystandersBefore: unknown[];
beforeAll(async () => {
  h = await startHarness('postgres');
  till = await h.pair('Till 1');
  other = await h.pair('Till 2');
  await importProgram(h.db, programWith({ holds: { maxPoints: 2000, maxTtlSeconds: 120, perTerminalPerMinute: 10 } }), T0);
  await importMembers(
    h.db,
    [VICTIM, ...BYSTANDERS, TARGET].map((id, i) => ({ id, name: `Member ${i + 1}`, enrolledStore: h.storeId, points: BALANCE })),
    T0,
  );
  bystandersBefore = await balances(BYSTANDERS);
}, 120_000);
afterAll(() => h?.close());

async function balances(ids: string[]): Promise<unknown[]> {
  return h.db.query('SELECT id, balance FROM members WHERE id = ANY($1::uuid[]) ORDER BY id', [ids]);
}
const hold = (terminal: Terminal, points: number, opts: { holdId?: string; ttlMs?: number; memberId?: string } = {}) =>
  h.request(terminal, 'POST', '/v1/holds', {
    holdId: opts.holdId ?? randomUUID(),
    memberId: opts.memberId ?? VICTIM,
    points,
    ttlMs: opts.ttlMs ?? 120_000,
  });
const activeHeld = async (memberId = VICTIM) =>
  Number(
    (
      await h.db.query<{ held: number }>(
        "SELECT coalesce(sum(points), 0)::bigint AS held FROM holds WHERE member_id = $1 AND status = 'active' AND expires_at > $2",
        [memberId, h.clock.now],
      )
    )[0]!.held,
  );

describe('a hold flood', () => {
  it('is rate-limited per till: exactly the allowance of a parallel burst passes, the rest get 429 with Retry-After', async () => {
    const burst = await Promise.all(Array.from({ length: 30 }, () => hold(till, 400)));
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    expect([ok.length, limited.length]).toEqual([10, 20]);
    for (const r of limited) {
      expect(r.body).toMatchObject({ code: 'RATE_LIMITED', details: { limitedBy: 'terminal' } });
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    expect(await activeHeld()).toBe(4000);
    // Another till is not held back by this one's flood.
    expect((await hold(other, 100, { memberId: member(2) })).status).toBe(200);
    // A replay of a hold already placed is not a new hold: answered as before, even now.
    const first = holdResponseSchema.parse(ok[0]!.body);
    const replay = await hold(till, 400, { holdId: first.holdId });
    expect(replay.status).toBe(200);
    expect(holdResponseSchema.parse(replay.body)).toMatchObject({ holdId: first.holdId, status: 'active' });
  });

  it('cannot reserve beyond what the member has, however often it asks; the refusal names no figure', async () => {
    h.clock.now = T0 + 61_000; // a new minute: the rate lets 10 more through
    const burst = await Promise.all(Array.from({ length: 10 }, () => hold(till, 400)));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(2); // 1000 were left: two holds of 400
    const refused = burst.filter((r) => r.status === 409);
    expect(refused).toHaveLength(8);
    for (const r of refused) {
      expect(r.body).toEqual({ code: 'INSUFFICIENT_POINTS', message: expect.any(String) });
      expect(JSON.stringify(r.body)).not.toMatch(/\d/); // no balance, no "available", no figure at all
    }
    expect(await activeHeld()).toBe(4800);
    expect(await activeHeld()).toBeLessThanOrEqual(BALANCE);
  });

  it('no answer reveals the balance', async () => {
    h.clock.now = T0 + 2 * 61_000;
    const res = await hold(till, 100, { memberId: member(3) });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object).sort()).toEqual(['expiresAt', 'holdId', 'points', 'status']);
    const released = await h.request(till, 'POST', `/v1/holds/${(res.body as { holdId: string }).holdId}/release`);
    expect(Object.keys(released.body as object).sort()).toEqual(['expiresAt', 'holdId', 'points', 'status']);
  });

  it('is bounded in size and lifetime by the programme', async () => {
    const big = await hold(till, 2001, { memberId: member(4) });
    expect(big).toMatchObject({ status: 409, body: { code: 'HOLD_TOO_LARGE', details: { maxPoints: 2000 } } });
    const long = holdResponseSchema.parse((await hold(till, 2000, { memberId: member(4), ttlMs: 600_000 })).body);
    expect(long.expiresAt).toBe(h.clock.now + 120_000);
    // The protocol's own bound: more than 10 minutes is not a valid request at all.
    expect((await hold(till, 10, { memberId: member(4), ttlMs: 600_001 })).status).toBe(400);
    // Expired, it stops counting.
    h.clock.now += 120_000;
    expect(await activeHeld(member(4))).toBe(0);
  });
});

describe("another till's hold", () => {
  it('cannot be released or posted by a till that did not place it', async () => {
    h.clock.now = T0 + 10 * 60_000;
    const placed = holdResponseSchema.parse((await hold(till, 300, { memberId: TARGET, ttlMs: 120_000 })).body);
    const release = await h.request(other, 'POST', `/v1/holds/${placed.holdId}/release`);
    expect(release).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const stolen = new EventLog(h.storeId);
    stolen.sale(TARGET, { redeem: 300, holdId: placed.holdId, at: h.clock.now });
    await h.request(other, 'POST', '/v1/events', { events: stolen.events });
    const [row] = await h.db.query<{ status: string; sale_id: string | null }>('SELECT status, sale_id FROM holds WHERE id = $1', [
      placed.holdId,
    ]);
    expect(row).toEqual({ status: 'active', sale_id: null });
    // Its own till still releases it.
    const own = await h.request(till, 'POST', `/v1/holds/${placed.holdId}/release`);
    expect(holdResponseSchema.parse(own.body).status).toBe('released');
  });

  it("the flood moved no other member's balance", async () => {
    const after = (await balances(BYSTANDERS)) as { id: string; balance: number }[];
    const before = bystandersBefore as { id: string; balance: number }[];
    expect(after).toEqual(before);
    const [victim] = (await balances([VICTIM])) as { balance: number }[];
    expect(Number(victim!.balance)).toBe(BALANCE); // holds reserve; they never spend
  });
});
