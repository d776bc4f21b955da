/**
 * One malformed member row on the server never stops a till's pull: the real server sends the
 * row as it is (here corrupted directly in its database: a balance of 2^53 + 1, which no JSON
 * reader holds exactly, and a lot beyond the protocol's bounds), the till skips that record, logs
 * it by id only, says how many it could not read, and takes over every other member and every
 * later change; once the server's row is mended, the next pull brings it.
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

test('a corrupted member row is skipped and reported; every other member and later change reaches the till', async () => {
  const source = openSyncTerminal(clock);
  open.push(source);
  await pair(source, server, 'Source');
  const manager = await source.login('manager');
  const members = [];
  for (let i = 0; i < 6; i++) {
    const m = await source.enrol(manager);
    await sell(source, manager, m.id, 2_000 + i * 100);
    members.push(m);
  }
  expect((await source.backend.sync.syncNow()).state).toBe('online');
  const [m1, big, m3, wideLot, m5, m6] = members.map((m) => m.id) as [string, string, string, string, string, string];

  // Corrupted in the server's database, past its own checks (as a restore from an old backup or a hand edit would leave it).
  await server.db.exec('ALTER TABLE members DROP CONSTRAINT IF EXISTS members_balance_bounded');
  await server.db.query('UPDATE members SET balance = 9007199254740993 WHERE id = $1', [big]);
  await server.db.query('UPDATE point_lots SET remaining = 5000000000 WHERE member_id = $1', [wideLot]);
  await server.db.query('UPDATE members SET updated_at = updated_at + 1 WHERE id = $1', [wideLot]); // the row changed: pulled again

  // A new till pulls the whole chain: the round succeeds, with every member but the two.
  const till = openSyncTerminal(clock, { backend: { sync: { pullPageSize: 4 } } });
  open.push(till);
  await pair(till, server, 'Till');
  const status = await till.backend.sync.syncNow();
  expect(status).toMatchObject({ state: 'online', unreadable: { members: 2, products: 0, staff: 0 } });
  const db = till.backend.store.db;
  const held = () => db.prepare('SELECT id FROM members ORDER BY id').pluck().all() as string[];
  expect(held()).toEqual([m1, m3, m5, m6].sort());
  const cashier = await till.login('cashier');
  for (const id of [m1, m3, m5, m6]) {
    const view = await till.call('member.get', { memberId: id }, cashier);
    expect(view.balance, id).toBe((await server.balances()).get(id)!.balance);
  }
  // Logged by id, never with the member's name.
  const lines = till.logs.filter((l) => l.includes('sync.pull.unreadable'));
  expect(lines).toHaveLength(2);
  expect(lines.join('\n')).toContain(big);
  expect(lines.join('\n')).toContain(wideLot);
  for (const m of members) expect(till.logs.join('\n')).not.toContain(m.name);

  // Later changes still arrive: a new member and a sale at the source till.
  clock.advance(60_000);
  const late = await source.enrol(manager);
  await sell(source, manager, m1, 5_000);
  await source.backend.sync.syncNow();
  expect((await till.backend.sync.syncNow()).state).toBe('online');
  expect(held()).toContain(late.id);
  expect((await till.call('member.get', { memberId: m1 }, cashier)).balance).toBe((await server.balances()).get(m1)!.balance);

  // The server's row is mended: the next pull brings it, and it is no longer counted.
  await server.db.query('UPDATE members SET balance = (SELECT coalesce(sum(points), 0) FROM ledger WHERE member_id = $1) WHERE id = $1', [
    big,
  ]);
  const mended = await till.backend.sync.syncNow();
  expect(mended.unreadable).toEqual({ members: 1, products: 0, staff: 0 });
  expect(held()).toContain(big);
  expect((await till.call('member.get', { memberId: big }, cashier)).balance).toBe((await server.balances()).get(big)!.balance);
}, 120_000);
