/**
 * The checkout's offer of points follows the offline policy up front (issue 16): while a
 * redemption would be judged offline, sale.preview's limits say what today's caps leave and offer
 * quick amounts only within it; online, or unpaired, they say nothing of the kind. Through the
 * real dispatcher, with a real server behind a fault proxy.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import {
  openSyncTerminal,
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

test('offline: quick amounts within what the caps leave, the allowance said; online again: the engine’s offer', async () => {
  const t = openSyncTerminal(clock, { backend: { sync: { offlineCaps: { memberPerDay: 600, terminalPerDay: 10_000 } } } });
  open.push(t);
  await pairVia(t, server, proxy.url);
  const token = await t.login('cashier');
  const m = await t.enrol(await t.login('manager'));
  await sell(t, token, m.id, 90_000);
  await t.backend.sync.syncNow();
  const basket = { memberId: m.id, lines: [{ category: 'bakery', amountMinor: 20_000 }] };

  const online = await t.call('sale.preview', basket, token);
  expect(t.backend.sync.status().state).toBe('online');
  expect(online.limits.allowed).toBe(true);
  expect(online.limits.offline).toBeUndefined();
  expect(Math.max(...online.limits.quick)).toBe(online.limits.maxPoints);
  expect(online.limits.maxPoints).toBeGreaterThan(600);

  proxy.mode = 'drop-before';
  await t.backend.sync.syncNow();
  expect(['offline', 'error']).toContain(t.backend.sync.status().state);
  const offline = await t.call('sale.preview', basket, token);
  expect(offline.limits).toMatchObject({
    allowed: true,
    maxPoints: online.limits.maxPoints,
    offline: { remaining: 600, limitedBy: 'member', maxWithoutOverride: 600 },
  });
  expect(offline.limits.quick.length).toBeGreaterThan(0);
  expect(Math.max(...offline.limits.quick)).toBe(600);
  // The engine still prices more (with a manager's PIN at Complete): the preview never refuses it.
  const more = await t.call('sale.preview', { ...basket, redemption: { kind: 'points', points: 1_000 } }, token);
  expect(more.redemption?.points).toBe(1_000);

  // 500 used offline: 100 left, less than the minimum, so nothing is offered without a manager.
  await sell(t, token, m.id, 20_000, 500);
  const spent = await t.call('sale.preview', basket, token);
  expect(spent.limits.offline).toEqual({ remaining: 100, limitedBy: 'member', maxWithoutOverride: 0 });
  expect(spent.limits.quick).toEqual([]);

  proxy.mode = 'pass';
  await t.backend.sync.syncNow();
  expect(t.backend.sync.status().state).toBe('online');
  const back = await t.call('sale.preview', basket, token);
  expect(back.limits.offline).toBeUndefined();
  expect(back.limits.quick.length).toBeGreaterThan(0);
}, 30_000);

test('an unpaired terminal is its own authority: no allowance in the offer', async () => {
  const t = openSyncTerminal(clock, { backend: { sync: { offlineCaps: { memberPerDay: 0, terminalPerDay: 0 } } } });
  open.push(t);
  const token = await t.login('cashier');
  const m = await t.enrol(await t.login('manager'));
  await sell(t, token, m.id, 90_000);
  const preview = await t.call('sale.preview', { memberId: m.id, lines: [{ category: 'bakery', amountMinor: 20_000 }] }, token);
  expect(preview.limits.allowed).toBe(true);
  expect(preview.limits.offline).toBeUndefined();
  expect(preview.limits.quick.length).toBeGreaterThan(0);
});
