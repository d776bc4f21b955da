/**
 * The status people see, as answers and as pushed events: not paired,
 * syncing, online, offline with a reason, error when the server refuses the
 * terminal, and the alert when the oldest unsent event is older than the limit
 * (an injected clock moves 25 hours).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SyncStatus } from '../../shared/api.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { revokeTerminal } from '../../server/admin/terminals.ts';
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

test('status answers and events through pairing, syncing, outages, the 24-hour alert and a revoked terminal', async () => {
  const t = openSyncTerminal(clock, { backend: { sync: { debounceMs: 10 } } });
  open.push(t);
  const events: SyncStatus[] = [];
  t.backend.sync.onStatus((s) => events.push(s));
  const token = await t.login('manager');
  expect(await t.call('sync.status', {}, token)).toMatchObject({
    paired: false,
    state: 'offline',
    reason: 'not paired',
    queueLength: 0,
    alert: false,
  });

  const { terminalId } = await pairVia(t, server, proxy.url);
  expect(events.at(-1)).toMatchObject({ paired: true, state: 'offline', reason: 'not synced yet' });
  const m = await t.enrol(token);
  expect(events.at(-1)).toMatchObject({ queueLength: 1 }); // a commit is a change people see
  const round = t.backend.sync.syncNow();
  expect(events.at(-1)).toMatchObject({ state: 'syncing' });
  expect(await round).toMatchObject({ state: 'online', queueLength: 0, lastSuccessAt: clock.now(), alert: false });
  expect(events.at(-1)).toMatchObject({ state: 'online', queueLength: 0 });
  expect((await t.call('sync.now', {}, token)).state).toBe('online');
  expect((await t.fail('sync.now', {}, await t.login('cashier'))).code).toBe('FORBIDDEN');

  // The network goes: offline with a reason; sales queue up; after 24 h the alert is raised.
  proxy.mode = 'drop-before';
  await sell(t, token, m.id, 1_000);
  expect(await t.backend.sync.syncNow()).toMatchObject({
    state: 'offline',
    reason: expect.stringMatching(/^network/),
    queueLength: 1,
    alert: false,
  });
  clock.advance(25 * 3_600_000);
  t.backend.sync.refreshStatus();
  expect(events.at(-1)).toMatchObject({ state: 'offline', alert: true, queueLength: 1 });
  expect((await t.call('sync.status', {}, await t.login('cashier'))).oldestUnsentAgeMs).toBe(25 * 3_600_000);

  // Back: the queue drains and the alert clears.
  proxy.mode = 'pass';
  expect(await t.backend.sync.syncNow()).toMatchObject({ state: 'online', queueLength: 0, alert: false, oldestUnsentAgeMs: null });

  // Revoked by an administrator: an error people must act on, not a hot retry.
  await revokeTerminal(server.db, terminalId, clock.now());
  await sell(t, await t.login('manager'), m.id, 1_000);
  const seen = proxy.seen.length;
  expect(await t.backend.sync.syncNow()).toMatchObject({ state: 'error', reason: 'revoked', queueLength: 1 });
  expect(proxy.seen.length).toBe(seen + 1);
  // A logged warning names the cause (a `reason` key would be redacted as free text), never a secret or a header.
  expect(t.logs.some((l) => l.includes('"cause":"revoked"'))).toBe(true);
  // Status events carry no personal data and were not repeated for nothing.
  for (let i = 1; i < events.length; i++) expect(events[i]).not.toEqual(events[i - 1]);
}, 30_000);

test('the engine started by process-main pushes soon after a commit and stops without leaving timers', async () => {
  const t = openSyncTerminal(clock, { backend: { sync: { debounceMs: 20, pullIntervalMs: 60_000 } } });
  await pairVia(t, server, server.url);
  t.backend.sync.start();
  const token = await t.login('manager');
  await t.enrol(token);
  const deadline = Date.now() + 5_000;
  while ((t.backend.sync.status().queueLength > 0 || t.backend.sync.status().state !== 'online') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  expect(t.backend.sync.status()).toMatchObject({ queueLength: 0, state: 'online' });
  await t.close(); // stop(): no timer keeps the process alive, the database closes cleanly
  expect(t.backend.store.db.open).toBe(false);
}, 30_000);
