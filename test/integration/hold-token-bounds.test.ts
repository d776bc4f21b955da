/**
 * The server's bounds as a terminal meets them, through the real dispatcher and a real server on
 * 127.0.0.1: a hold too large or too frequent is a typed refusal the screen words (never a reason to
 * decide offline instead and spend under the offline caps), "not enough points" names no figure, and
 * a member's QR codes for the day used up says so.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { importProgram } from '../../server/admin/catalogue.ts';
import { demoProgram } from '../fixtures/program.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import { openSyncTerminal, pair, sell, startSyncServer, type SyncServer, type SyncTerminal } from './sync-harness.ts';

const clock = new ManualClock(SATURDAY);
let server: SyncServer;
let t: SyncTerminal;
let cashier: string;
let member: { id: string };
beforeAll(async () => {
  server = await startSyncServer(clock);
  await importProgram(
    server.db,
    {
      ...demoProgram,
      version: demoProgram.version + 1,
      holds: { maxPoints: 600, perTerminalPerMinute: 3 },
      tokens: { perMemberPerDay: 2 },
    },
    clock.now(),
  );
  // Offline caps of 0: had the terminal fallen back to the offline policy, nothing would be allowed either way, so the answers below are the server's.
  t = openSyncTerminal(clock, { backend: { sync: { offlineCaps: { memberPerDay: 0, terminalPerDay: 0 } } } });
  await pair(t, server);
  cashier = await t.login('cashier');
  member = await t.enrol(await t.login('manager'));
  await sell(t, cashier, member.id, 60_000);
  await t.backend.sync.syncNow();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await server?.close();
});

const hold = (points: number) => t.fail('redemption.hold', { holdId: uuidv7(clock.now()), memberId: member.id, points }, cashier);

test('a hold larger than one hold may be is refused in words, not judged offline', async () => {
  expect(await hold(700)).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'hold_too_large', max: 600 } });
});

test('"not enough points" from the server names no figure', async () => {
  const balance = (await t.call('member.get', { memberId: member.id }, cashier)).balance;
  expect(balance).toBeGreaterThan(1200);
  expect(balance).toBeLessThan(1800);
  // Each within the size bound; the third is beyond what the member has left.
  clock.advance(61_000);
  for (let i = 0; i < 2; i++) await t.call('redemption.hold', { holdId: uuidv7(clock.now()), memberId: member.id, points: 600 }, cashier);
  const refused = await hold(600);
  expect(refused).toEqual({ code: 'INSUFFICIENT_POINTS', message: expect.any(String), details: { source: 'server' } });
  expect(refused.message).not.toMatch(/\d/);
});

test('too many holds from this till in a minute: RATE_LIMITED, then it works again', async () => {
  clock.advance(3 * 60_000); // the last test's holds have expired
  for (let i = 0; i < 3; i++) await t.call('redemption.hold', { holdId: uuidv7(clock.now()), memberId: member.id, points: 100 }, cashier);
  expect(await hold(100)).toMatchObject({
    code: 'RATE_LIMITED',
    details: { limitedBy: 'terminal', retryAfterSeconds: expect.any(Number) },
  });
  clock.advance(61_000);
  expect(await t.call('redemption.hold', { holdId: uuidv7(clock.now()), memberId: member.id, points: 100 }, cashier)).toMatchObject({
    mode: 'online',
  });
});

test("a member's QR codes for the day used up: RATE_LIMITED naming the member's limit; every code expires", async () => {
  const manager = await t.login('manager');
  const first = await t.call('member.issueToken', { memberId: member.id }, manager);
  expect(first.expiresAt).toBe(first.issuedAt + 730 * 86_400_000);
  await t.call('member.issueToken', { memberId: member.id }, manager);
  expect(await t.fail('member.issueToken', { memberId: member.id }, manager)).toMatchObject({
    code: 'RATE_LIMITED',
    details: { limitedBy: 'member' },
  });
});
