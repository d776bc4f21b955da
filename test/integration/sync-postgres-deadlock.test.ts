/**
 * Regression, on real PostgreSQL: a push and a hold on the same member at the
 * same moment. Before the server's one lock order (server/store/lock-order.ts)
 * the push locked its terminal's row FOR UPDATE and then the member, while the
 * hold locked the member and then, through its INSERT's foreign key, took KEY
 * SHARE on the same terminal row: each waited for the other until PostgreSQL
 * broke the deadlock after deadlock_timeout (1 s) and one side answered 500.
 *
 * The interleaving is forced, not hoped for: a third transaction holds the
 * holds table in SHARE mode, so the hold stops at its INSERT after locking the
 * member; the push is sent then, and must be waiting on the member's lock
 * before the third transaction lets go.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { importProgram } from '../../server/admin/catalogue.ts';
import { demoProgram } from '../fixtures/program.ts';
import { EventLog } from '../server/events.ts';
import { startHarness, T0, usePostgresCluster, type Harness } from '../server/harness.ts';
import { measure, report } from './sync-postgres-measure.ts';

usePostgresCluster();

let h: Harness;
beforeAll(async () => {
  h = await startHarness('postgres');
  await importProgram(h.db, demoProgram, T0);
}, 60_000);
afterAll(() => h?.close());

/** Resolves once a backend of this database waits for a lock while running a statement that matches `pattern`. */
async function waitingOnLock(pattern: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await h.db.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1",
      [pattern],
    );
    if (rows.length > 0) return;
    if (Date.now() > until) throw new Error(`no statement like ${pattern} waited for a lock within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a push and a hold on one member at the same moment: both answered, no deadlock', async () => {
  const t = await h.pair();
  const log = new EventLog(h.storeId);
  const m = randomUUID();
  // The programme's welcome bonus and a sale: points to hold (the server re-prices both).
  log.enrol(m, { bonus: 100 });
  log.sale(m, { earn: 900 });
  expect((await h.request(t, 'POST', '/v1/events', { events: log.events })).status).toBe(200);
  const since = await measure('push and hold on one member', [{ logs: h.logs }]);

  let letGo!: () => void;
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  const blocker = h.db.transaction(async (tx) => {
    await tx.query('LOCK TABLE holds IN SHARE MODE');
    await gate;
  });
  try {
    // The hold locks the member, then stops at its INSERT behind the blocker.
    const hold = h.request(t, 'POST', '/v1/holds', { holdId: randomUUID(), memberId: m, points: 100, ttlMs: 60_000 });
    await waitingOnLock('INSERT INTO holds%');
    // The push takes the change lock and its terminal's row, then waits for the member the hold holds.
    log.sale(m, { earn: 10, redeem: 500 });
    const push = h.request(t, 'POST', '/v1/events', { events: log.events.slice(-1) });
    await waitingOnLock('%FROM members WHERE id = %FOR%');
    letGo();
    await blocker;
    const [held, pushed] = await Promise.all([hold, push]);
    expect({ hold: held.status, push: pushed.status }, JSON.stringify({ held: held.body, pushed: pushed.body })).toEqual({
      hold: 200,
      push: 200,
    });
  } finally {
    letGo();
    await blocker.catch(() => undefined);
  }
  const counts = await report(since);
  expect({ deadlocks: counts.deadlocks, retries: counts.retries, serverErrors: counts.serverErrors }).toEqual({
    deadlocks: 0,
    retries: 0,
    serverErrors: 0,
  });
  // Both took effect: 1,000 − 500 + 10 on the member, 100 of it held.
  const [member] = await h.db.query<{ balance: number }>('SELECT balance FROM members WHERE id = $1', [m]);
  expect(member?.balance).toBe(510);
  const [held] = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM holds WHERE member_id = $1 AND status = 'active'", [m]);
  expect(held?.n).toBe(1);
}, 30_000);
