/**
 * Push under faults: 500s, connections cut before and after the server
 * commits, truncated answers, a crash between the server's answer and the
 * local mark, and a server that lost events (sequence gap). Every event ends
 * up applied exactly once and the balances agree.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { setMemberStatus } from '../../server/admin/members.ts';
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

async function appliedOnServer(): Promise<number> {
  const [row] = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events');
  return row!.n;
}

async function expectConsistent(t: SyncTerminal, memberId: string): Promise<void> {
  const token = await t.login('cashier');
  const balances = await server.balances();
  for (const [, v] of balances) expect(v.balance).toBe(v.ledger);
  expect((await t.call('member.get', { memberId }, token)).balance).toBe(balances.get(memberId)!.balance);
}

/** A terminal whose "process" dies once, while `crash.armed`, after the server answered and before the answer is recorded. */
function crashingTerminal(crash: { armed: boolean }): SyncTerminal {
  return openSyncTerminal(clock, {
    backend: {
      syncTest: {
        hooks: {
          afterPushAnswer: () => {
            if (!crash.armed) return;
            crash.armed = false;
            throw new Error('killed');
          },
        },
      },
    },
  });
}

describe('push', () => {
  test('retries through 500s, cut connections and truncated answers without losing or doubling an event', async () => {
    // Two batches in flight (the default pipeline): each fault meets both.
    const t = openSyncTerminal(clock, { backend: { sync: { pushBatch: 3, pushPipeline: 2 } } });
    open.push(t);
    await pairVia(t, server, proxy.url);
    const token = await t.login('manager');
    const m = await t.enrol(token);
    for (let i = 0; i < 7; i++) await sell(t, token, m.id, 1_000 + i * 100);
    const before = await appliedOnServer();

    for (const mode of ['error500', 'drop-before', 'drop-after', 'truncate'] as const) {
      proxy.mode = mode;
      const status = await t.backend.sync.syncNow();
      expect(status.state, mode).toBe('offline');
      expect(status.reason, mode).toMatch(
        mode === 'error500' ? /server error 500/ : mode === 'truncate' ? /invalid response|network/ : /network/,
      );
    }
    // drop-after and truncate: the server applied both batches in flight, the terminal does not know yet.
    expect(await appliedOnServer()).toBe(before + 6);
    expect(t.backend.sync.status().queueLength).toBe(8);
    const attempts = t.backend.store.db.prepare('SELECT attempts, last_error FROM outbox WHERE seq = 1').get() as {
      attempts: number;
      last_error: string;
    };
    expect(attempts.attempts).toBe(4);

    proxy.mode = 'pass';
    const status = await t.backend.sync.syncNow();
    expect(status).toMatchObject({ state: 'online', queueLength: 0, reason: null });
    expect(await appliedOnServer()).toBe(before + 8);
    const results = t.backend.store.db.prepare("SELECT json_extract(result, '$.status') FROM outbox ORDER BY seq").pluck().all();
    expect(results).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'applied', 'applied']);
    await expectConsistent(t, m.id);
  }, 30_000);

  test('a crash between the answer and the mark resends the batch; the server answers duplicate', async () => {
    const crash = { armed: true };
    const first = crashingTerminal(crash);
    await pairVia(first, server, server.url);
    const token = await first.login('manager');
    const m = await first.enrol(token);
    await sell(first, token, m.id, 5_000);
    const before = await appliedOnServer();
    await first.backend.sync.syncNow(); // the server applied both; the "process" died before marking
    expect(await appliedOnServer()).toBe(before + 2);
    first.crash();

    // The same files (database and device key) in a new process.
    const again = openSyncTerminal(clock, { dir: first.dir, seeded: false });
    open.push(again);
    expect(again.backend.sync.status().queueLength).toBe(2);
    const status = await again.backend.sync.syncNow();
    expect(status).toMatchObject({ state: 'online', queueLength: 0 });
    expect(await appliedOnServer()).toBe(before + 2);
    expect(again.backend.store.db.prepare("SELECT json_extract(result, '$.status') FROM outbox ORDER BY seq").pluck().all()).toEqual([
      'duplicate',
      'duplicate',
    ]);
    await expectConsistent(again, m.id);
  }, 30_000);

  test('a flag whose answer was lost arrives with the duplicate: the manager still sees it', async () => {
    const crash = { armed: false };
    const first = crashingTerminal(crash);
    await pairVia(first, server, server.url);
    const token = await first.login('manager');
    const m = await first.enrol(token);
    await first.backend.sync.syncNow();
    // Blocked on the server while this till still lets the member earn: the sale is applied and flagged.
    await setMemberStatus(server.db, m.id, 'blocked', clock.now());
    await sell(first, token, m.id, 3_000);
    crash.armed = true;
    await first.backend.sync.syncNow(); // applied and flagged; the "process" died before recording the answer
    first.crash();

    const again = openSyncTerminal(clock, { dir: first.dir, seeded: false });
    open.push(again);
    expect(await again.backend.sync.syncNow()).toMatchObject({ state: 'online', queueLength: 0 });
    const manager = await again.login('manager');
    expect((await again.call('sync.flags', {}, manager)).flags).toEqual([
      expect.objectContaining({ kind: 'sale.committed', reasons: ['blocked_member_earn'] }),
    ]);
  }, 30_000);

  test('a server that lost events (restored from a backup) gets them again from the seq it expects', async () => {
    const t = openSyncTerminal(clock);
    open.push(t);
    const { terminalId } = await pairVia(t, server, server.url);
    const token = await t.login('manager');
    const m = await t.enrol(token);
    await sell(t, token, m.id, 2_000);
    // As if these two had been acknowledged by a server that later lost them.
    t.backend.store.db.prepare('UPDATE outbox SET sent_at = 1').run();
    await sell(t, token, m.id, 3_000);
    const status = await t.backend.sync.syncNow();
    expect(status).toMatchObject({ state: 'online', queueLength: 0 });
    const [row] = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events WHERE terminal_id = $1', [
      terminalId,
    ]);
    expect(row!.n).toBe(3);
    await expectConsistent(t, m.id);
  }, 30_000);

  test('two batches travel at once; one that overtakes the batch before it waits for it, and both apply without a resend', async () => {
    const late = await startFaultProxy(server.url);
    const t = openSyncTerminal(clock, { backend: { sync: { pushBatch: 3, pushPipeline: 2 } } });
    open.push(t);
    await pairVia(t, server, late.url);
    const token = await t.login('manager');
    const m = await t.enrol(token);
    for (let i = 0; i < 5; i++) await sell(t, token, m.id, 1_000 + i * 100);
    // The first batch reaches the server 300 ms late; the second is sent without waiting for the first answer.
    let pushes = 0;
    let answeredWhenSecondArrived = -1;
    late.delayMs = 300;
    late.decide = ({ path }) => {
      if (path !== '/v1/events') return 'pass';
      if (++pushes === 2) answeredWhenSecondArrived = late.exchanges.filter((x) => x.path === '/v1/events').length;
      return pushes === 1 ? 'late' : 'pass';
    };
    expect(await t.backend.sync.syncNow()).toMatchObject({ state: 'online', queueLength: 0 });
    expect(answeredWhenSecondArrived).toBe(0);
    const answers = late.exchanges.filter((x) => x.path === '/v1/events');
    expect(answers.map((x) => x.status)).toEqual([200, 200]); // no SEQUENCE_GAP, nothing sent twice
    const results = t.backend.store.db.prepare("SELECT json_extract(result, '$.status') FROM outbox ORDER BY seq").pluck().all();
    expect(results).toEqual(Array(6).fill('applied'));
    await expectConsistent(t, m.id);
    await late.close();
  }, 30_000);

  test('events the server applied without answering for them stay queued until their own answer, which carries their flags', async () => {
    const faulty = await startFaultProxy(server.url);
    const t = openSyncTerminal(clock, { backend: { sync: { pushBatch: 3, pushPipeline: 2 } } });
    open.push(t);
    await pairVia(t, server, faulty.url);
    const token = await t.login('manager');
    const m = await t.enrol(token);
    await t.backend.sync.syncNow();
    // Blocked on the server while this till still lets the member earn: every sale is applied and flagged.
    await setMemberStatus(server.db, m.id, 'blocked', clock.now());
    for (let i = 0; i < 6; i++) await sell(t, token, m.id, 1_000 + i * 100);
    // Round 1: both batches applied, both answers cut. Round 2: the first batch's answer (appliedSeq
    // past it, the second batch being on the server) arrives; the second batch is cut before the server.
    // Decided by the batch's first seq: the two batches in flight can reach the proxy in either order.
    const firstUnsent = t.backend.store.db.prepare('SELECT min(seq) FROM outbox WHERE sent_at IS NULL').pluck().get() as number;
    let round = 0;
    faulty.decideByBody = ({ path, body }) => {
      if (path !== '/v1/events') return 'pass';
      const firstSeq = (JSON.parse(body.toString('utf8')) as { events: { seq: number }[] }).events[0]!.seq;
      if (round === 1) return 'drop-after';
      if (round === 2) return firstSeq === firstUnsent ? 'pass' : 'drop-before';
      return 'pass';
    };
    round = 1;
    expect((await t.backend.sync.syncNow()).state).toBe('offline');
    round = 2;
    expect((await t.backend.sync.syncNow()).state).toBe('offline');
    expect(t.backend.sync.status().queueLength).toBe(3); // the second batch waits for its own answer
    round = 3;
    expect(await t.backend.sync.syncNow()).toMatchObject({ state: 'online', queueLength: 0 });
    const manager = await t.login('manager');
    expect((await t.call('sync.flags', {}, manager)).flags).toHaveLength(6);
    await faulty.close();
  }, 30_000);
});
