/**
 * Several terminals offline, spending the same member's points, then back
 * online: every event applied once, server balance = sum of its ledger =
 * each terminal's displayed balance after a pull, and an overdraft flagged
 * exactly where two terminals spent the same points. On embedded PGlite and
 * on real PostgreSQL (row locks, a pool), where every push is also timed in
 * the server and the deadlocks and retries are counted.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BackendEvent, Response } from '../../shared/api.ts';
import { createBackend } from '../../main/backend/backend.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { closeTerminalDb } from '../../main/backend/store/connection.ts';
import { ledgerSum } from '../../main/backend/store/points.ts';
import { startBackendProcess, type BackendProcess } from '../../main/browser-host/backend-process.ts';
import { demoProgram } from '../fixtures/program.ts';
import { SATURDAY, seed, STAFF, tempDir } from '../helpers/terminal.ts';
import {
  openSyncTerminal,
  pair,
  sell,
  startSyncServer,
  STORE_ID,
  usePostgresCluster,
  type SyncServer,
  type SyncTerminal,
} from './sync-harness.ts';
import { measure, report, type Measure } from './sync-postgres-measure.ts';

const CAPS = { offlineCaps: { memberPerDay: 100_000, terminalPerDay: 1_000_000 } };
const DRIVERS = ['pglite', 'postgres'] as const;

usePostgresCluster();

/** No deadlock on either driver; on PostgreSQL no push slower than 100 ms in the server (PGlite runs every statement behind one mutex, on disk). */
async function expectNoContention(driver: (typeof DRIVERS)[number], since: Measure): Promise<void> {
  const counts = await report(since);
  expect(counts.pushes).toBeGreaterThan(0);
  expect({ deadlocks: counts.deadlocks, exhausted: counts.exhausted, serverErrors: counts.serverErrors }).toEqual({
    deadlocks: 0,
    exhausted: 0,
    serverErrors: 0,
  });
  if (driver === 'postgres') expect(counts.pushMaxMs, 'the slowest push in the server, ms').toBeLessThan(100);
}

describe.each(DRIVERS)('convergence of terminals in one process (%s)', (driver) => {
  const clock = new ManualClock(SATURDAY);
  let server: SyncServer;
  let terminals: SyncTerminal[] = [];
  let since: Measure;
  beforeAll(async () => {
    server = await startSyncServer(clock, { driver });
    since = await measure(`three terminals (${driver})`, [{ logs: server.logs }]);
  }, 60_000);
  afterAll(async () => {
    for (const t of terminals) await t.close();
    await server?.close();
  });

  test('three terminals offline converge; the double spend is flagged once', async () => {
    terminals = [0, 1, 2].map(() => openSyncTerminal(clock, { backend: { sync: CAPS } }));
    const [a, b, c] = terminals as [SyncTerminal, SyncTerminal, SyncTerminal];
    for (const [i, t] of terminals.entries()) await pair(t, server, `Till ${i + 1}`);
    const tokens = await Promise.all(terminals.map((t) => t.login('manager')));
    const [ta, tb, tc] = tokens as [string, string, string];

    // A member enrolled and earning on A, then known to every terminal.
    const m = await a.enrol(ta);
    await sell(a, ta, m.id, 40_000); // Saturday: base + double points
    const shared = await a.enrol(ta); // a second member, used only by C below
    await a.backend.sync.syncNow();
    for (const t of [b, c]) await t.backend.sync.syncNow();
    const start = (await b.call('member.get', { memberId: m.id }, tb)).balance;
    expect(start).toBe((await a.call('member.get', { memberId: m.id }, ta)).balance);
    expect(start).toBeGreaterThanOrEqual(700);
    expect((await b.call('member.get', { memberId: m.id }, tb)).pendingPoints).toBe(0);

    // Offline: A and B both spend 600 of the same points; C earns for both members.
    clock.advance(60_000);
    await sell(a, ta, m.id, 2_000, 600);
    await sell(b, tb, m.id, 2_000, 600);
    await sell(c, tc, m.id, 5_000);
    await sell(c, tc, shared.id, 3_000);
    const bView = await b.call('member.get', { memberId: m.id }, tb);
    expect(bView.pendingPoints).toBe(bView.balance - start);
    expect(bView.confirmedPoints).toBe(start);

    // Back online, in an order that makes B's redemption the one that overdraws.
    clock.advance(60_000);
    for (const t of [a, b, c]) await t.backend.sync.syncNow();
    for (const t of [a, b, c]) await t.backend.sync.syncNow();

    const balances = await server.balances();
    for (const [, v] of balances) expect(v.balance).toBe(v.ledger);
    const serverM = balances.get(m.id)!.balance;
    for (const [t, token] of [
      [a, ta],
      [b, tb],
      [c, tc],
    ] as const) {
      const view = await t.call('member.get', { memberId: m.id }, token);
      expect(view.balance).toBe(serverM);
      expect(view.pendingPoints).toBe(0);
      expect(ledgerSum(t.backend.store.db, m.id)).toBe(serverM);
      expect((await t.call('member.get', { memberId: shared.id }, token)).balance).toBe(balances.get(shared.id)!.balance);
      expect((await t.call('sync.status', {}, token)).queueLength).toBe(0);
    }
    const flags = await server.flags();
    expect(flags.map((f) => [f.kind, f.member_id])).toEqual([['overdraft', m.id]]);
    // B learns its event was flagged, for the manager.
    expect((await b.call('sync.flags', {}, tb)).flags).toEqual([
      expect.objectContaining({ kind: 'sale.committed', reasons: ['overdraft'] }),
    ]);
    expect((await a.call('sync.flags', {}, ta)).flags).toEqual([]);
    await expectNoContention(driver, since);
  }, 60_000);
});

describe.each(DRIVERS)('convergence of terminals in separate processes (%s)', (driver) => {
  test('two backend processes (process-main) pair, sell, and converge on their own timers', async () => {
    const clock = { now: () => Date.now() };
    const server = await startSyncServer(clock, { driver });
    const since = await measure(`two terminal processes (${driver})`, [{ logs: server.logs }]);
    const procs: BackendProcess[] = [];
    try {
      const children = await Promise.all([0, 1].map(() => startChild(procs)));
      const [a, b] = children as [Child, Child];
      for (const [i, t] of children.entries()) {
        const admin = await t.call<{ token: string }>('staff.login', { staffId: STAFF.admin.id, pin: STAFF.admin.pin });
        await t.call('sync.pair', { serverUrl: server.url, code: await server.code(), terminalName: `Process till ${i + 1}` }, admin.token);
        t.token = (await t.call<{ token: string }>('staff.login', { staffId: STAFF.manager.id, pin: STAFF.manager.pin })).token;
      }
      // Enrol on A; B learns the member by pulling (interval 300 ms).
      const memberId = uuidv7();
      await a.call('member.enrol', { memberId, name: 'Process Member', consentMarketing: false }, a.token);
      await a.call('sale.commit', { saleId: uuidv7(), memberId, lines: [{ category: 'bakery', amountMinor: 50_000 }] }, a.token);
      const known = await eventually(async () => (await b.answer('member.get', { memberId }, b.token)).ok);
      expect(known).toBe(true);
      // Both sell with redemptions; the engines push on their own.
      await a.call(
        'sale.commit',
        { saleId: uuidv7(), memberId, lines: [{ category: 'bakery', amountMinor: 2_000 }], redemption: { kind: 'points', points: 500 } },
        a.token,
      );
      await b.call(
        'sale.commit',
        { saleId: uuidv7(), memberId, lines: [{ category: 'bakery', amountMinor: 3_000 }], redemption: { kind: 'points', points: 500 } },
        b.token,
      );
      const converged = await eventually(async () => {
        const balance = (await server.balances()).get(memberId);
        if (balance === undefined || balance.balance !== balance.ledger) return false;
        const views = await Promise.all(
          [a, b].map((t) => t.call<{ balance: number; pendingPoints: number }>('member.get', { memberId }, t.token)),
        );
        const statuses = await Promise.all([a, b].map((t) => t.call<{ queueLength: number; state: string }>('sync.status', {}, t.token)));
        return (
          views.every((v) => v.balance === balance.balance && v.pendingPoints === 0) &&
          statuses.every((s) => s.queueLength === 0 && s.state === 'online')
        );
      });
      expect(converged).toBe(true);
      expect(a.events.some((e) => e.name === 'sync.status')).toBe(true);
      await expectNoContention(driver, since);
    } finally {
      await Promise.all(procs.map((p) => p.stop(5_000)));
      await server.close();
    }
  }, 120_000); // two tsx processes starting and syncing on their own timers: slow on a loaded machine
});

interface Child {
  token: string;
  events: BackendEvent[];
  answer(method: string, input: unknown, token?: string | null): Promise<Response>;
  call<T = unknown>(method: string, input: unknown, token?: string | null): Promise<T>;
}

async function startChild(procs: BackendProcess[]): Promise<Child> {
  const dir = tempDir('lt-sync-proc-');
  const dbPath = join(dir.path, 'terminal.sqlite');
  const seeded = createBackend({ dbPath, storeId: STORE_ID });
  seed(seeded, demoProgram, Date.now());
  closeTerminalDb(seeded.store);
  const pending = new Map<number, (r: Response) => void>();
  const events: BackendEvent[] = [];
  const proc = startBackendProcess({
    entry: fileURLToPath(new URL('../../main/backend/process-main.ts', import.meta.url)),
    env: {
      LT_DB_PATH: dbPath,
      LT_STORE_ID: STORE_ID,
      LT_SYNC_PULL_INTERVAL_MS: '1000',
      LT_OFFLINE_REDEEM_MEMBER_DAY: '100000',
      LT_LOG_LEVEL: 'info',
    },
    onReply: (_conn, response) => pending.get(response.id)?.(response),
    onEvent: (event) => events.push(event),
    onLog: (line) => {
      if (process.env.SYNC_DEBUG) console.log(line);
    },
  });
  procs.push(proc);
  await proc.ready();
  let id = 1;
  const child: Child = {
    token: '',
    events,
    answer: (method, input, token = null) =>
      new Promise((resolve) => {
        const requestId = id++;
        pending.set(requestId, resolve);
        proc.call(1, { id: requestId, method, input, token });
      }),
    async call<T>(method: string, input: unknown, token: string | null = null): Promise<T> {
      const r = await child.answer(method, input, token);
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.result as T;
    },
  };
  return child;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 40_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
