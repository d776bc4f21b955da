/**
 * Pull: paged, each page committed with its cursor, so a crash between pages
 * resumes at the first page not applied and ends in the same state as an
 * uninterrupted pull.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import { openSyncTerminal, pair, sell, startSyncServer, type SyncServer, type SyncTerminal } from './sync-harness.ts';

const clock = new ManualClock(SATURDAY);
let server: SyncServer;
const open: SyncTerminal[] = [];
beforeAll(async () => {
  server = await startSyncServer(clock);
}, 60_000);
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await server?.close();
});

function snapshot(t: SyncTerminal) {
  const db = t.backend.store.db;
  return {
    members: db.prepare('SELECT id, name, status, tier, balance, debt FROM members ORDER BY id').all(),
    cards: db.prepare('SELECT card_number, member_id FROM member_cards ORDER BY card_number').all(),
    cursor: db.prepare("SELECT value FROM settings WHERE key = 'sync.cursor'").pluck().get(),
  };
}

test('a crash between pages resumes at the next page and ends like an uninterrupted pull', async () => {
  const source = openSyncTerminal(clock);
  open.push(source);
  await pair(source, server, 'Source');
  const token = await source.login('manager');
  for (let i = 0; i < 23; i++) {
    const m = await source.enrol(token);
    if (i % 3 === 0) await sell(source, token, m.id, 2_000 + i * 100);
  }
  await source.backend.sync.syncNow();

  const pages: number[] = [];
  // After page 5: the first pages carry the programme, products, staff and keys; members follow.
  const crashPage = 5;
  let crashAfter: number | null = crashPage;
  const crashing = openSyncTerminal(clock, {
    backend: {
      sync: { pullPageSize: 5 },
      syncTest: {
        hooks: {
          afterPullPage: (page) => {
            pages.push(page);
            if (page === crashAfter) throw new Error('killed');
          },
        },
      },
    },
  });
  await pair(crashing, server, 'Crashing');
  const failed = await crashing.backend.sync.syncNow();
  expect(failed.state).toBe('error'); // the "crash" (an exception in the round) is reported, not thrown
  const afterCrash = snapshot(crashing);
  expect(afterCrash.members.length).toBeGreaterThan(0);
  crashing.crash();

  crashAfter = null;
  pages.length = 0;
  const resumed = openSyncTerminal(clock, {
    dir: crashing.dir,
    seeded: false,
    backend: { sync: { pullPageSize: 5 }, syncTest: { hooks: { afterPullPage: (p) => pages.push(p) } } },
  });
  open.push(resumed);
  expect((await resumed.backend.sync.syncNow()).state).toBe('online');
  const resumedPages = pages.length;

  const fresh = openSyncTerminal(clock, {
    backend: { sync: { pullPageSize: 5 }, syncTest: { hooks: { afterPullPage: (p) => pages.push(p) } } },
  });
  open.push(fresh);
  await pair(fresh, server, 'Fresh');
  pages.length = 0;
  await fresh.backend.sync.syncNow();
  // The resumed pull did not fetch again the pages committed before the crash.
  expect(resumedPages).toBe(pages.length - crashPage);

  const a = snapshot(resumed);
  const b = snapshot(fresh);
  expect(a.members).toEqual(b.members);
  expect(a.cards).toEqual(b.cards);
  const balances = await server.balances();
  for (const m of a.members as { id: string; balance: number }[]) {
    if (balances.has(m.id)) expect(m.balance).toBe(balances.get(m.id)!.balance);
  }
  expect((a.members as unknown[]).length).toBeGreaterThanOrEqual(23);
}, 60_000);
