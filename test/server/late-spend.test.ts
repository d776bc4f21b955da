/**
 * Expiry and late offline spending: a debit spends the lots that were alive
 * when it happened, whether the server's expiry job ran before or after the
 * event arrived. Both orders end with the same balance, lots and flags.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFlags } from '../../server/admin/flags.ts';
import { showMember } from '../../server/admin/members.ts';
import { importProgram } from '../../server/admin/catalogue.ts';
import { pushResponseSchema, type PushResponse } from '../../shared/sync-protocol.ts';
import { EventLog, serverTestProgram } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** When the first lot of each scenario expires. */
const E = T0 + 30 * DAY;

type Order = 'job before the late event' | 'late event before the job';
const ORDERS: Order[] = ['job before the late event', 'late event before the job'];

describe.each(DRIVERS)('late offline spending (%s)', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(driver);
    await importProgram(h.db, serverTestProgram, T0);
  }, 60_000);
  afterAll(() => h?.close());

  const push = async (t: Terminal, log: EventLog): Promise<PushResponse> => {
    const res = await h.request(t, 'POST', '/v1/events', { events: log.events });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return pushResponseSchema.parse(res.body);
  };

  const lots = (memberId: string) =>
    h.db.query<{ remaining: number; expired: number; expires_at: number }>(
      'SELECT remaining, expired, expires_at FROM point_lots WHERE member_id = $1 ORDER BY id',
      [memberId],
    );

  /**
   * Till A, online, gives the member `lots` (each expiring at its date). Till B, offline since
   * before E, queues a redemption of `redeem` at `spentAt`; it reconnects at E + 2 h. The
   * server's expiry job runs at E + 1 h, before or after B's push.
   */
  async function scenario(order: Order, lotsToEarn: { points: number; expiresAt: number }[], redeem: number, spentAt: number) {
    const [a, b] = [await h.pair(), await h.pair()];
    const m = randomUUID();
    const online = new EventLog(h.storeId);
    online.enrol(m);
    for (const lot of lotsToEarn) online.sale(m, { earn: lot.points, expiresAt: lot.expiresAt });
    h.clock.now = T0;
    await push(a, online);
    const offline = new EventLog(h.storeId);
    const late = offline.sale(m, { redeem, at: spentAt });

    const job = async () => {
      h.clock.now = E + HOUR;
      await h.server.maintain();
    };
    const reconnect = async () => {
      h.clock.now = E + 2 * HOUR;
      return push(b, offline);
    };
    let answer: PushResponse;
    if (order === 'job before the late event') {
      await job();
      answer = await reconnect();
    } else {
      answer = await reconnect();
      await job();
    }
    h.clock.now = T0;
    const shown = await showMember(h.db, m);
    expect(shown.ledgerSum).toBe(shown.member.balance);
    const flags = (await listFlags(h.db, undefined, true)).filter((f) => f.memberId === m).map((f) => f.kind);
    return {
      answer: answer.results.find((r) => r.id === late.id),
      balance: shown.member.balance,
      lots: await lots(m),
      flags,
      ledger: shown.ledger,
    };
  }

  it.each(ORDERS)('a redemption made offline before the points expired costs them once (%s)', async (order) => {
    const r = await scenario(order, [{ points: 100, expiresAt: E }], 100, E - 2 * HOUR);
    expect(r.answer?.status).toBe('applied');
    expect(r.balance).toBe(0);
    expect(r.flags).toEqual([]);
    expect(r.lots).toEqual([{ remaining: 0, expired: 0, expires_at: E }]);
    if (order === 'job before the late event') {
      // The job's expiry is undone by the spend, and the history says so.
      expect(r.ledger.slice(-3).map((e) => [e.kind, e.points])).toEqual([
        ['expire', -100],
        ['expire', 100],
        ['redeem', -100],
      ]);
      expect(r.ledger.at(-2)?.reason).toBe('expiry undone: spent before it expired');
    }
  });

  it.each(ORDERS)('a late redemption takes the expired lot first, then the live one, the same in both orders (%s)', async (order) => {
    const r = await scenario(
      order,
      [
        { points: 100, expiresAt: E },
        { points: 50, expiresAt: E + 60 * DAY },
      ],
      120,
      E - 2 * HOUR,
    );
    expect(r.answer?.status).toBe('applied');
    expect(r.balance).toBe(30);
    expect(r.flags).toEqual([]);
    expect(r.lots.map((l) => [l.remaining, l.expired])).toEqual([
      [0, 0],
      [30, 0],
    ]);
  });

  it.each(ORDERS)('points the redemption did not spend still expire (%s)', async (order) => {
    const r = await scenario(order, [{ points: 100, expiresAt: E }], 40, E - 2 * HOUR);
    expect(r.balance).toBe(0);
    expect(r.lots).toEqual([{ remaining: 0, expired: 60, expires_at: E }]);
    expect(r.flags).toEqual([]);
  });

  it.each(ORDERS)('a redemption dated after the expiry cannot spend expired points: an overdraft, flagged (%s)', async (order) => {
    const r = await scenario(order, [{ points: 100, expiresAt: E }], 100, E + 30 * 60_000);
    expect(r.answer).toMatchObject({ status: 'applied_with_adjustment', reasons: ['overdraft'] });
    expect(r.balance).toBe(-100);
    expect(r.flags).toEqual(['overdraft']);
    expect(r.lots).toEqual([{ remaining: 0, expired: 100, expires_at: E }]);
  });
});
