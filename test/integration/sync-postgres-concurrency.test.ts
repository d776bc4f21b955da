/**
 * Sync under real concurrency, on real PostgreSQL (row locks, a pool): two
 * terminals holding and redeeming one member's points at once; a push, holds
 * and a pull (and the server's expiry pass) at once on one set of members;
 * and two server processes (children, each with its own pool and turnstile)
 * on one database, with terminals whose requests alternate between them (a
 * round-robin balancer).
 * Each prints the deadlocks and retries it caused and its push times in the
 * server, and asserts no deadlock and no push slower than 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { AppError } from '../../shared/errors.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from '../helpers/round-robin-proxy.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import {
  openSyncTerminal,
  pairVia,
  sell,
  startSyncServer,
  usePostgresCluster,
  type SyncServer,
  type SyncTerminal,
} from './sync-harness.ts';
import { measure, pushesSince, report, type ContentionReport } from './sync-postgres-measure.ts';
import { databaseUrl, startServerProcess, type ServerProcess } from './sync-postgres-servers.ts';

usePostgresCluster();

/** Pushes only when the test says (syncNow), in small batches, so one sync sends several pipelined batches. */
const SETTINGS = {
  sync: { debounceMs: 60_000, pullIntervalMs: 600_000, pushBatch: 10, offlineCaps: { memberPerDay: 100_000, terminalPerDay: 1_000_000 } },
};
const HOLD_BUDGET_MS = 800;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
});

async function postgresServer(clock: ManualClock): Promise<SyncServer> {
  const server = await startSyncServer(clock, { driver: 'postgres' });
  cleanup.push(() => server.close());
  return server;
}

/**
 * The server the tills talk to, in a child process on the seeded database: the tills run in this
 * process, and their synchronous SQLite work would otherwise count in the server's answer times.
 */
async function serverProcesses(clock: ManualClock, seeded: SyncServer, n: number): Promise<ServerProcess[]> {
  const url = await databaseUrl(seeded.db);
  const servers = await Promise.all(Array.from({ length: n }, () => startServerProcess(url, { now: clock.now() })));
  for (const s of servers) cleanup.push(s.close);
  return servers;
}

/** `n` tills paired with `server`'s database through `url` (a server process, or the balancer in front of two). */
async function terminals(clock: ManualClock, server: SyncServer, n: number, url: string): Promise<{ t: SyncTerminal; token: string }[]> {
  const out: { t: SyncTerminal; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    // The tills run in this process, on the server's event loop: their files on tmpfs, so a till's fsync does not stall the server's answers.
    const dir = mkdtempSync(join('/dev/shm', 'lt-sync-pg-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const t = openSyncTerminal(clock, { dir, backend: SETTINGS });
    cleanup.push(() => t.close());
    await pairVia(t, server, url);
    out.push({ t, token: await t.login('manager') });
  }
  return out;
}

function expectCalm(counts: ContentionReport): void {
  expect(counts.pushes, 'pushes measured').toBeGreaterThan(0);
  expect({ deadlocks: counts.deadlocks, exhausted: counts.exhausted, serverErrors: counts.serverErrors }).toEqual({
    deadlocks: 0,
    exhausted: 0,
    serverErrors: 0,
  });
  expect(counts.pushMaxMs, 'the slowest push in the server, ms').toBeLessThan(100);
  expect(counts.holdMaxMs, "the slowest hold in the server, ms (the terminal's budget)").toBeLessThan(HOLD_BUDGET_MS);
}

/** Every terminal shows the server's balance for every member, nothing pending, nothing left to send; the server's balance is its ledger's sum. */
async function expectConverged(server: SyncServer, tills: { t: SyncTerminal; token: string }[], members: string[]): Promise<void> {
  for (const { t } of tills) await t.backend.sync.syncNow();
  for (const { t } of tills) await t.backend.sync.syncNow();
  const balances = await server.balances();
  for (const id of members) {
    const b = balances.get(id)!;
    expect(b.balance, `server member ${id}: balance = sum(ledger)`).toBe(b.ledger);
    for (const { t, token } of tills) {
      const view = await t.call('member.get', { memberId: id }, token);
      expect({ balance: view.balance, pending: view.pendingPoints }, `a till's view of ${id}`).toEqual({ balance: b.balance, pending: 0 });
    }
  }
  for (const { t, token } of tills) expect((await t.call('sync.status', {}, token)).queueLength).toBe(0);
}

/** Places an online hold and sells against it; false when the server refused it (not enough points). */
async function holdAndRedeem(t: SyncTerminal, token: string, memberId: string, points: number): Promise<boolean> {
  const holdId = uuidv7(t.backend.clock.now());
  let hold;
  try {
    hold = await t.call('redemption.hold', { holdId, memberId, points }, token);
  } catch (error) {
    if (error instanceof AppError && error.code === 'INSUFFICIENT_POINTS') return false;
    throw error;
  }
  expect(hold.mode, 'the hold was answered online, within the budget').toBe('online');
  // The programme redeems at most half the basket: a basket twice the points' value.
  await sell(t, token, memberId, points * 2 + 100, points, { holdId });
  return true;
}

test('two terminals hold and redeem one member’s points at once: every hold answered online, no point spent twice, no deadlock', async () => {
  const clock = new ManualClock(SATURDAY);
  const server = await postgresServer(clock);
  const [process_] = await serverProcesses(clock, server, 1);
  const tills = await terminals(clock, server, 2, process_!.url);
  const [a, b] = tills as [(typeof tills)[0], (typeof tills)[0]];
  const m = await a.t.enrol(a.token);
  await sell(a.t, a.token, m.id, 100_000);
  await a.t.backend.sync.syncNow();
  await b.t.backend.sync.syncNow();
  const start = (await server.balances()).get(m.id)!.balance;
  expect(start).toBeGreaterThan(1_000);
  const since = await measure('holds and redemptions on one member from two terminals', [process_!]);

  // Together they ask for more than the member has: the server must refuse the rest, whichever till asks.
  const per = 500; // the programme's least redemption; 16 of them are more than the member has
  const results = await Promise.all(
    [a, b].map(async ({ t, token }) => {
      let placed = 0;
      let refused = 0;
      for (let i = 0; i < 8; i++) {
        if (await holdAndRedeem(t, token, m.id, per)) placed++;
        else refused++;
        if (i % 2 === 1) await t.backend.sync.syncNow();
      }
      return { placed, refused };
    }),
  );
  const placed = results.reduce((n, r) => n + r.placed, 0);
  const refused = results.reduce((n, r) => n + r.refused, 0);
  console.log(`holds placed ${placed}, refused ${refused}, ${per} points each, from ${start} points`);
  expect(refused, 'some holds were refused: the two tills asked for more than the member had').toBeGreaterThan(0);

  await expectConverged(server, tills, [m.id]);
  const counts = await report(since);
  expectCalm(counts);
  expect(counts.holds).toBe(placed + refused);
  expect(await server.flags(), 'no overdraft: no point was spent twice').toEqual([]);
  const [posted] = await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM holds WHERE member_id = $1 AND status = 'posted'", [
    m.id,
  ]);
  expect(posted?.n, 'every redemption posted its hold').toBe(placed);
  expect((await server.balances()).get(m.id)!.balance).toBeGreaterThanOrEqual(0);
}, 60_000);

test('a push, holds and a pull at once on one set of members (and the expiry pass): no deadlock, every till converges', async () => {
  const clock = new ManualClock(SATURDAY);
  const server = await postgresServer(clock);
  const [process_] = await serverProcesses(clock, server, 1);
  const tills = await terminals(clock, server, 3, process_!.url);
  const [pusher, holder, puller] = tills as [(typeof tills)[0], (typeof tills)[0], (typeof tills)[0]];
  const members: string[] = [];
  for (let i = 0; i < 6; i++) {
    const m = await pusher.t.enrol(pusher.token);
    await sell(pusher.t, pusher.token, m.id, 100_000);
    members.push(m.id);
  }
  for (const { t } of tills) await t.backend.sync.syncNow();
  let redeemed = 0;
  const atOnce = (rounds: number) =>
    Promise.all([
      (async () => {
        for (let round = 0; round < rounds; round++) {
          for (let i = 0; i < 15; i++) await sell(pusher.t, pusher.token, members[(round + i) % members.length]!, 1_000 + i * 100);
          await pusher.t.backend.sync.syncNow();
        }
      })(),
      (async () => {
        for (let round = 0; round < 2 * rounds; round++) {
          expect(await holdAndRedeem(holder.t, holder.token, members[redeemed++ % members.length]!, 500)).toBe(true);
          if (round % 3 === 2) await holder.t.backend.sync.syncNow();
        }
      })(),
      (async () => {
        for (let round = 0; round < rounds; round++) {
          await puller.t.backend.sync.syncNow();
          await server.server.maintain(); // the expiry pass and nonce pruning, from a third server on the same database
        }
      })(),
    ]);
  await atOnce(1); // warm-up: a fresh process's first pushes and holds compile their code paths and open pool connections
  const since = await measure('push + hold + pull on one member set', [process_!]);
  await atOnce(6);

  await expectConverged(server, tills, members);
  expectCalm(await report(since));
  expect(await server.flags()).toEqual([]);
}, 60_000);

test('two server processes on one database: terminals push through both in turn, no batch waits on a stale turnstile', async () => {
  const clock = new ManualClock(SATURDAY);
  const seeded = await postgresServer(clock); // makes and seeds the database; the terminals talk to the two processes below
  const servers = await serverProcesses(clock, seeded, 2);
  const proxy: RoundRobinProxy = await startRoundRobinProxy(servers.map((s) => s.url));
  cleanup.push(proxy.close);
  const tills = await terminals(clock, seeded, 3, proxy.url);
  const members: string[] = [];
  for (let i = 0; i < 4; i++) {
    const m = await tills[0]!.t.enrol(tills[0]!.token);
    await sell(tills[0]!.t, tills[0]!.token, m.id, 100_000);
    members.push(m.id);
  }
  await tills[0]!.t.backend.sync.syncNow();
  for (const { t } of tills.slice(1)) await t.backend.sync.syncNow();

  /**
   * Each till queues 60 sales and pushes them through the balancer: 6 batches of 10, two in flight, so
   * consecutive batches of one till are in the two processes at once. The tills push one after another
   * (all writers of pulled rows share one change lock: three tills at once would measure that queue on
   * this shared 2-core machine, not a stall); another till's online redemption runs meanwhile.
   */
  const round = async (n: number) => {
    for (const { t, token } of tills) for (let i = 0; i < 60; i++) await sell(t, token, members[(i + n) % members.length]!, 1_000 + i * 10);
    for (const [i, { t }] of tills.entries()) {
      const other = tills[(i + 1) % tills.length]!;
      await Promise.all([t.backend.sync.syncNow(), holdAndRedeem(other.t, other.token, members[(n + i) % members.length]!, 500)]);
    }
  };
  // Warm-up: two fresh processes' first pushes compile their code paths and open their pools' connections.
  for (let n = 0; n < 2; n++) await round(n);
  const since = await measure('two server processes on one database', servers);
  for (let n = 2; n < 5; n++) await round(n);

  await expectConverged(seeded, tills, members);
  const counts = await report(since);
  const pushesBy = pushesSince(since);
  console.log(
    `pushes answered by each server process: ${pushesBy.map((p) => p.length).join(' / ')}; requests sent to each: ${proxy.sent.join(' / ')}`,
  );
  for (const p of pushesBy) expect(p.length, 'each server process applied pushes').toBeGreaterThan(3);
  expect(
    pushesBy.flat().filter((p) => p.status !== 200),
    'no push refused: in-order batches never reach the database out of order',
  ).toEqual([]);
  expectCalm(counts);
  const [applied] = await seeded.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events');
  expect(applied!.n).toBeGreaterThanOrEqual(5 * 3 * 61);
}, 90_000);
