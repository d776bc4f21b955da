/**
 * The scenario of issue 14 with real terminals on real PostgreSQL: points
 * expiring at E, a till offline redeems them at E − 2 h, the server's expiry
 * job runs at E + 1 h, the till reconnects at E + 2 h. The member is charged
 * once, nothing is flagged, and every till shows the server's balance; the
 * same as when the till reconnects before the job.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { demoProgram } from '../fixtures/program.ts';
import { openSyncTerminal, pair, sell, startSyncServer, usePostgresCluster, type SyncServer, type SyncTerminal } from './sync-harness.ts';

usePostgresCluster();

const HOUR = 3_600_000;
// A Monday: no weekend promotion, so the earn is the base rate.
const START = Date.parse('2026-03-02T10:00:00Z');
const CAPS = { offlineCaps: { memberPerDay: 100_000, terminalPerDay: 1_000_000 } };

describe.each(['job before the late sale', 'late sale before the job'] as const)('late offline redemption (%s)', (order) => {
  const clock = new ManualClock(START);
  let server: SyncServer;
  let a: SyncTerminal;
  let b: SyncTerminal;
  beforeAll(async () => {
    server = await startSyncServer(clock, { driver: 'postgres' });
    a = openSyncTerminal(clock, { backend: { sync: CAPS } });
    b = openSyncTerminal(clock, { backend: { sync: CAPS } });
    await pair(a, server, 'Till A');
    await pair(b, server, 'Till B');
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.close();
  });

  test('the member pays for the points once and every till agrees', async () => {
    let ta = await a.login('manager');
    const member = await a.enrol(ta);
    const held = (await sell(a, ta, member.id, 60_000)).balanceAfter!; // a welcome bonus and the earn, all expiring at E
    expect(held).toBeGreaterThanOrEqual(500); // the smallest redemption
    await a.backend.sync.syncNow();
    await b.backend.sync.syncNow();
    const expiresAt = lotExpiry(START, demoProgram);

    // Till B, cut off from the server, redeems every point two hours before they expire.
    clock.set(expiresAt - 2 * HOUR);
    const tb = await b.login('cashier');
    expect((await b.call('member.get', { memberId: member.id }, tb)).balance).toBe(held);
    const late = await sell(b, tb, member.id, 5_000, held - (held % 50)); // redemption goes in steps of 50

    const job = async () => {
      clock.set(expiresAt + HOUR);
      await server.server.maintain();
    };
    const reconnect = async () => {
      clock.set(expiresAt + 2 * HOUR);
      await b.backend.sync.syncNow();
    };
    if (order === 'job before the late sale') {
      await job();
      await reconnect();
    } else {
      await reconnect();
      await job();
    }
    await a.backend.sync.syncNow();
    await b.backend.sync.syncNow();

    // What B's sale earned is live; the old lot's remainder (below one step of 50) expired at E.
    const balance = (await server.balances()).get(member.id)!;
    expect(balance.balance).toBe(balance.ledger);
    expect(balance.balance).toBe(late.earnPoints);
    expect(await server.flags()).toEqual([]);
    ta = await a.login('cashier');
    const tb2 = await b.login('cashier');
    for (const [t, token] of [
      [a, ta],
      [b, tb2],
    ] as const) {
      const shown = await t.call('member.get', { memberId: member.id }, token);
      expect(shown.balance).toBe(balance.balance);
      expect(shown.pendingPoints).toBe(0);
    }
  }, 120_000);
});
