/**
 * Redemption safety: online holds within a time budget, the fallback to the
 * offline policy when the server is slow, the offline caps, and the audited
 * manager override.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { SATURDAY, STAFF } from '../helpers/terminal.ts';
import {
  openSyncTerminal,
  pair,
  pairVia,
  sell,
  startFaultProxy,
  startSyncServer,
  type FaultProxy,
  type SyncServer,
  type SyncTerminal,
} from './sync-harness.ts';

const clock = new ManualClock(SATURDAY);
let server: SyncServer;
let proxy: FaultProxy;
const open: SyncTerminal[] = [];
beforeAll(async () => {
  server = await startSyncServer(clock);
  proxy = await startFaultProxy(server.url);
}, 60_000);
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await proxy?.close();
  await server?.close();
});

async function holdStatus(holdId: string): Promise<string | undefined> {
  const [row] = await server.db.query<{ status: string }>('SELECT status FROM holds WHERE id = $1', [holdId]);
  return row?.status;
}

test('online: a hold reserves points, the sale posts it, a void releases it, and too many points are refused without a figure', async () => {
  const t = openSyncTerminal(clock, { backend: { sync: { offlineCaps: { memberPerDay: 0, terminalPerDay: 0 } } } });
  open.push(t);
  await pair(t, server);
  const token = await t.login('cashier');
  const manager = await t.login('manager');
  const m = await t.enrol(manager);
  await sell(t, token, m.id, 60_000);
  await t.backend.sync.syncNow();
  const balance = (await t.call('member.get', { memberId: m.id }, token)).balance;

  const holdId = uuidv7();
  const hold = await t.call('redemption.hold', { holdId, memberId: m.id, points: 500 }, token);
  expect(hold).toEqual({ mode: 'online', holdId, expiresAt: expect.any(Number) });
  // The server says only "not enough": the till learns no balance from it.
  const refused = await t.fail('redemption.hold', { holdId: uuidv7(), memberId: m.id, points: balance }, token);
  expect(refused).toEqual({ code: 'INSUFFICIENT_POINTS', message: expect.any(String), details: { source: 'server' } });

  // With the hold, the zero offline cap does not apply; the event names the hold and the server posts it.
  const sale = await sell(t, token, m.id, 2_000, 500, { holdId });
  const event = JSON.parse(
    t.backend.store.db
      .prepare("SELECT payload FROM outbox WHERE kind = 'sale.committed' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get() as string,
  );
  expect(event.holdId).toBe(holdId);
  await t.backend.sync.syncNow();
  expect(await holdStatus(holdId)).toBe('posted');

  // A second hold, used by a sale voided before it was pushed: the void gives the hold back.
  const second = uuidv7();
  await t.call('redemption.hold', { holdId: second, memberId: m.id, points: 500 }, token);
  const voided = await sell(t, token, m.id, 2_000, 500, { holdId: second });
  await t.call('sale.void', { saleId: voided.saleId }, token);
  await t.backend.sync.stop(); // awaits the background release
  expect(await holdStatus(second)).toBe('released');
  // An abandoned sale's hold is released by the screen.
  const third = uuidv7();
  await t.call('redemption.hold', { holdId: third, memberId: m.id, points: 500 }, token);
  expect(await t.call('redemption.release', { holdId: third }, token)).toEqual({ released: true });
  expect(await holdStatus(third)).toBe('released');
  expect(sale.redemption?.points).toBe(500);
}, 30_000);

test('a server slower than the budget: the cashier gets the offline answer in time; the caps and the manager override apply', async () => {
  const t = openSyncTerminal(clock, {
    backend: { sync: { holdBudgetMs: 300, offlineCaps: { memberPerDay: 600, terminalPerDay: 10_000 } } },
  });
  open.push(t);
  await pairVia(t, server, proxy.url);
  const token = await t.login('cashier');
  const manager = await t.login('manager');
  const m = await t.enrol(manager);
  await sell(t, token, m.id, 90_000);

  proxy.mode = 'hang';
  const started = performance.now();
  const hold = await t.call('redemption.hold', { holdId: uuidv7(), memberId: m.id, points: 500 }, token);
  const elapsed = performance.now() - started;
  expect(hold).toEqual({ mode: 'offline', allowed: true, reason: null, capRemaining: 600 });
  expect(elapsed).toBeLessThan(1_000);

  await sell(t, token, m.id, 2_000, 500); // within the cap
  expect(await t.call('redemption.hold', { holdId: uuidv7(), memberId: m.id, points: 500 }, token)).toMatchObject({
    mode: 'offline',
    allowed: false,
    reason: 'member_daily_cap',
    capRemaining: 100,
  });
  const refused = await t.fail(
    'sale.commit',
    { saleId: uuidv7(), memberId: m.id, lines: [{ category: 'bakery', amountMinor: 2_000 }], redemption: { kind: 'points', points: 500 } },
    token,
  );
  expect(refused).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'member_daily_cap', capRemaining: 100 } });
  const wrongPin = await t.fail(
    'sale.commit',
    {
      saleId: uuidv7(),
      memberId: m.id,
      lines: [{ category: 'bakery', amountMinor: 2_000 }],
      redemption: { kind: 'points', points: 500 },
      override: { staffId: STAFF.manager.id, pin: '0000' },
    },
    token,
  );
  expect(wrongPin).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'override_refused' } });
  const cashierPin = await t.fail(
    'sale.commit',
    {
      saleId: uuidv7(),
      memberId: m.id,
      lines: [{ category: 'bakery', amountMinor: 2_000 }],
      redemption: { kind: 'points', points: 500 },
      override: { staffId: STAFF.cashier2.id, pin: STAFF.cashier2.pin },
    },
    token,
  );
  expect(cashierPin).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'override_refused' } });

  const saleId = uuidv7();
  await t.call(
    'sale.commit',
    {
      saleId,
      memberId: m.id,
      lines: [{ category: 'bakery', amountMinor: 2_000 }],
      redemption: { kind: 'points', points: 500 },
      override: { staffId: STAFF.manager.id, pin: STAFF.manager.pin },
    },
    token,
  );
  const audit = t.backend.store.db
    .prepare("SELECT staff_id, subject, details FROM audit_log WHERE action = 'redemption.override'")
    .all() as { staff_id: string; subject: string; details: string }[];
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ staff_id: STAFF.manager.id, subject: saleId });
  expect(JSON.parse(audit[0]!.details)).toMatchObject({
    memberId: m.id,
    points: 500,
    reason: 'member_daily_cap',
    cashierId: STAFF.cashier.id,
  });
  expect(t.backend.store.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'redemption.override.refused'").pluck().get()).toBe(1);

  // The next store-local day has a fresh allowance.
  clock.advance(24 * 3_600_000);
  expect(await t.call('redemption.hold', { holdId: uuidv7(), memberId: m.id, points: 500 }, await t.login('cashier'))).toMatchObject({
    mode: 'offline',
    allowed: true,
  });
  proxy.mode = 'pass';
}, 30_000);

test('an unpaired terminal is its own authority: no caps', async () => {
  const t = openSyncTerminal(clock);
  open.push(t);
  const token = await t.login('cashier');
  const m = await t.enrol(await t.login('manager'));
  await sell(t, token, m.id, 90_000);
  expect(await t.call('redemption.hold', { holdId: uuidv7(), memberId: m.id, points: 900 }, token)).toEqual({
    mode: 'offline',
    allowed: true,
    reason: null,
    capRemaining: null,
  });
  await sell(t, token, m.id, 3_000, 900);
});
