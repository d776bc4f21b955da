/**
 * Refunds at any till of the store, and the refund policy for expired points,
 * with the real server on 127.0.0.1 (PGlite) and tills on real SQLite files:
 * - a refund of a sale whose points expired meanwhile takes none of them back
 *   (issue 14: 20 live points stay 20; a member with none gets no debt), on
 *   the till and on the server;
 * - a sale made at till A is refunded at till B of the same store (B fetches it);
 *   A then cannot refund the same line: refused up front online, and refused by
 *   the server (flag refund_exceeds_sale, no points moved) when A refunded it
 *   offline;
 * - a till of another store is told the sale does not exist;
 * - offline, a till that does not hold the sale says why it cannot refund it;
 * - the member's history at B lists A's sales, marked, and the expired points
 *   a refund left alone.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { checkInvariants } from '../helpers/ledger-invariants.ts';
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

const TUESDAY = Date.UTC(2025, 2, 11, 10, 0);
/** Thirteen months on (also a Tuesday: no double points): everything earned on TUESDAY has expired. */
const LATER = Date.UTC(2026, 3, 14, 10, 0);

const clock = new ManualClock(TUESDAY);
let server: SyncServer;
let tillA: SyncTerminal;
let tillB: SyncTerminal;
let proxy: FaultProxy;
const opened: SyncTerminal[] = [];

beforeAll(async () => {
  server = await startSyncServer(clock);
  proxy = await startFaultProxy(server.url);
  // Till A talks to the server through a proxy the tests can cut; till B directly.
  tillA = openSyncTerminal(clock);
  tillB = openSyncTerminal(clock);
  opened.push(tillA, tillB);
  await pairVia(tillA, server, proxy.url);
  await pair(tillB, server, 'Till B');
});

afterAll(async () => {
  for (const t of opened) await t.close();
  await proxy?.close();
  await server?.close();
});

async function sync(...tills: SyncTerminal[]): Promise<void> {
  for (const t of tills) await t.backend.sync.syncNow();
  for (const t of tills) await t.backend.sync.syncNow();
}

async function serverBalance(memberId: string): Promise<number> {
  return (await server.balances()).get(memberId)!.balance;
}

function memberRow(t: SyncTerminal, memberId: string): { balance: number; debt: number } {
  return t.backend.store.db.prepare('SELECT balance, debt FROM members WHERE id = ?').get(memberId) as { balance: number; debt: number };
}

describe('refund policy: points that expired since the sale are not taken back', () => {
  test('a member with 20 live points whose sale points expired keeps 20 after the refund, on the till and on the server', async () => {
    clock.set(TUESDAY);
    let manager = await tillB.login('manager');
    const member = await tillB.enrol(manager); // 100 enrolment points, expiring with the sale's
    const sale = await sell(tillB, manager, member.id, 1000); // 10 points
    expect(sale.pointsAwarded).toBe(10);
    await sync(tillB);

    clock.set(LATER); // the 110 points have expired
    manager = await tillB.login('manager'); // a session does not last 13 months
    const live = await sell(tillB, manager, member.id, 2000);
    expect(live.pointsAwarded).toBe(20);
    expect((await tillB.call('member.get', { memberId: member.id }, manager)).balance).toBe(20);

    const refund = await tillB.call(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: 1, quantity: 1 }] },
      manager,
    );
    expect(refund).toMatchObject({ pointsReversed: 0, pointsExpiredNotReversed: 10, refundMinor: 1000, balanceAfter: 20, debtAfter: 0 });
    expect(refund.lines).toEqual([{ lineNo: 1, quantity: 1, reversedEarn: 0, restoredRedeem: 0, refundMinor: 1000, expiredEarn: 10 }]);
    await sync(tillB);
    await server.server.maintain(); // the server's expiry job: the 110 expired points leave there too
    await sync(tillB);
    expect(await serverBalance(member.id)).toBe(20);
    expect((await tillB.call('member.get', { memberId: member.id }, manager)).balance).toBe(20);
    expect((await server.flags()).filter((f) => f.member_id === member.id)).toEqual([]);

    // The history says which points were not taken back.
    const history = await tillB.call('member.history', { memberId: member.id }, manager);
    expect(history.sales.find((s) => s.id === sale.saleId)).toMatchObject({ pointsExpiredNotReversed: 10, atOtherTill: false });
    expect(checkInvariants(tillB.backend.store.db)).toEqual([]);
  });

  test('a member with no points left gets no debt from refunding a sale whose points expired', async () => {
    clock.set(TUESDAY);
    let manager = await tillB.login('manager');
    const member = await tillB.enrol(manager);
    const sale = await sell(tillB, manager, member.id, 1000);
    await sync(tillB);

    clock.set(LATER);
    manager = await tillB.login('manager');
    const refund = await tillB.call(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: 1, quantity: 1 }] },
      manager,
    );
    expect(refund).toMatchObject({ pointsReversed: 0, pointsExpiredNotReversed: 10, balanceAfter: 0, debtAfter: 0 });
    expect(memberRow(tillB, member.id)).toEqual({ balance: 0, debt: 0 });
    await sync(tillB);
    await server.server.maintain(); // the server's expiry job: the 110 points leave there too
    await sync(tillB);
    expect(await serverBalance(member.id)).toBe(0);
    expect((await tillB.call('member.get', { memberId: member.id }, manager)).balance).toBe(0);
  });

  test('points not yet expired are still taken back, and a shortfall from points already spent is a recorded debt', async () => {
    clock.set(TUESDAY);
    const manager = await tillB.login('manager');
    const member = await tillB.enrol(manager);
    const sale = await sell(tillB, manager, member.id, 60_000); // 600 points: 700 in all
    // Spends all 700 (an online hold) and earns a few points on the rest paid.
    await sync(tillB);
    const holdId = uuidv7(clock.now());
    expect(await tillB.call('redemption.hold', { holdId, memberId: member.id, points: 700 }, manager)).toMatchObject({ mode: 'online' });
    await sell(tillB, manager, member.id, 1400, 700, { holdId });
    clock.advance(60_000);
    const before = memberRow(tillB, member.id).balance;
    const refund = await tillB.call(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: 1, quantity: 1 }] },
      manager,
    );
    expect(before).toBeLessThan(600); // only what the second sale earned is left
    expect(refund).toMatchObject({ pointsReversed: 600, pointsExpiredNotReversed: 0, balanceAfter: before - 600, debtAfter: 600 - before });
    await sync(tillB);
    expect(await serverBalance(member.id)).toBe(refund.balanceAfter);
  });
});

describe('refunds at any till of the store', () => {
  test("till B refunds a line of till A's sale; A then cannot refund it again, online (refused up front) or offline (refused by the server)", async () => {
    clock.set(TUESDAY + 86_400_000);
    const managerA = await tillA.login('manager');
    const managerB = await tillB.login('manager');
    const member = await tillA.enrol(managerA);
    const sale = await tillA.call(
      'sale.commit',
      {
        saleId: uuidv7(clock.now()),
        memberId: member.id,
        lines: [
          { sku: 'BREAD', quantity: 2 },
          { category: 'bakery', amountMinor: 3000 },
        ],
        redemption: null,
      },
      managerA,
    );
    await sync(tillA, tillB);
    const afterSale = await serverBalance(member.id);

    // B does not hold the sale: it lists it in the member's history, marked, and refunds a line of it.
    const history = await tillB.call('member.history', { memberId: member.id }, managerB);
    expect(history.otherTillsUnavailable).toBe(false);
    const listed = history.sales.find((s) => s.id === sale.saleId);
    expect(listed).toMatchObject({ atOtherTill: true, paidMinor: sale.payableMinor });
    expect(listed!.lines.map((l) => [l.lineNo, l.quantity, l.refundedQuantity, l.earnPoints])).toEqual(
      sale.lines.map((l) => [l.lineNo, l.quantity, 0, l.earnPoints]),
    );
    const bakery = sale.lines.find((l) => l.sku === null)!;
    const refundB = await tillB.call(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: bakery.lineNo, quantity: 1 }] },
      managerB,
    );
    expect(refundB).toMatchObject({ atOtherTill: true, pointsReversed: bakery.earnPoints, refundMinor: bakery.paidMinor });
    await sync(tillB, tillA);
    expect(await serverBalance(member.id)).toBe(afterSale - bakery.earnPoints);
    expect((await tillA.call('member.get', { memberId: member.id }, managerA)).balance).toBe(afterSale - bakery.earnPoints);
    // B now holds it as a sale of another till: the history shows it refunded.
    const againB = await tillB.call('member.history', { memberId: member.id }, managerB);
    expect(againB.sales.find((s) => s.id === sale.saleId)!.lines.find((l) => l.lineNo === bakery.lineNo)).toMatchObject({
      refundedQuantity: 1,
    });

    // A, online: the server knows the line was refunded, so A refuses it up front.
    const refused = await tillA.fail(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: bakery.lineNo, quantity: 1 }] },
      managerA,
    );
    expect(refused).toMatchObject({ code: 'REFUND_NOT_ALLOWED', details: { refundedElsewhere: true, refundable: 0 } });
    expect(refused.message).toMatch(/already refunded/);

    // A, cut off from the server, refunds the same line from its own records (the till pays out).
    proxy.mode = 'drop-before';
    const offlineRefund = await tillA.call(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: bakery.lineNo, quantity: 1 }] },
      managerA,
    );
    expect(offlineRefund.pointsReversed).toBe(bakery.earnPoints);
    proxy.mode = 'pass';
    const flagsBefore = (await server.flags()).length;
    await sync(tillA, tillB);
    // The server applied none of its points and flagged it; the till takes the server's balance back.
    expect(await serverBalance(member.id)).toBe(afterSale - bakery.earnPoints);
    const flags = (await server.flags()).slice(flagsBefore);
    expect(flags.map((f) => [f.kind, f.member_id])).toEqual([['refund_exceeds_sale', member.id]]);
    const listedFlags = await tillA.call('sync.flags', { limit: 50 }, managerA);
    expect(listedFlags.flags.find((f) => f.id === flags[0]!.event_id)?.reasons).toEqual(['refund_exceeds_sale']);
    expect((await tillA.call('member.get', { memberId: member.id }, managerA)).balance).toBe(afterSale - bakery.earnPoints);

    // The bread lines are still refundable, at either till, once.
    const bread = sale.lines.find((l) => l.sku === 'BREAD')!;
    await tillA.call(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: bread.lineNo, quantity: 2 }] },
      managerA,
    );
    await sync(tillA, tillB);
    const breadAgain = await tillB.fail(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: bread.lineNo, quantity: 1 }] },
      managerB,
    );
    expect(breadAgain.code).toBe('REFUND_NOT_ALLOWED');
    expect(await serverBalance(member.id)).toBe(afterSale - bakery.earnPoints - bread.earnPoints);
    expect(checkInvariants(tillA.backend.store.db)).toEqual([]);
    expect(checkInvariants(tillB.backend.store.db)).toEqual([]);
  });

  test('a till of another store is told the sale does not exist', async () => {
    clock.set(TUESDAY + 2 * 86_400_000);
    await createStore(server.db, { id: 'store-2', name: 'Lyon', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now());
    const other = openSyncTerminal(clock);
    opened.push(other);
    const admin = await other.login('admin');
    const code = (await createPairingCode(server.db, { storeId: 'store-2' }, clock.now())).code;
    await other.call('sync.pair', { serverUrl: server.url, code, terminalName: 'Lyon till' }, admin);

    const managerA = await tillA.login('manager');
    const member = await tillA.enrol(managerA);
    const sale = await sell(tillA, managerA, member.id, 1500);
    await sync(tillA, other);

    const manager = await other.login('manager');
    const refused = await other.fail(
      'sale.refund',
      { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: 1, quantity: 1 }] },
      manager,
    );
    expect(refused.code).toBe('NOT_FOUND');
    expect(await other.backend.sync.findSale(sale.saleId)).toEqual({ kind: 'not_found' });
    const history = await other.call('member.history', { memberId: member.id }, manager);
    expect(history.sales.map((s) => s.id)).not.toContain(sale.saleId);
    // The same request from a till of the store finds it.
    expect(await tillB.backend.sync.findSale(sale.saleId)).toMatchObject({
      kind: 'found',
      sale: { saleId: sale.saleId, storeId: 'store-1' },
    });
  });

  test('offline, a till that does not hold the sale says a refund of it needs the server; the history says it lists this till only', async () => {
    clock.set(TUESDAY + 3 * 86_400_000);
    const managerB = await tillB.login('manager');
    const member = await tillB.enrol(managerB);
    const sale = await sell(tillB, managerB, member.id, 1200);
    await sync(tillB, tillA);

    proxy.mode = 'drop-before';
    try {
      const managerA = await tillA.login('manager');
      const refused = await tillA.fail(
        'sale.refund',
        { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: 1, quantity: 1 }] },
        managerA,
      );
      expect(refused.code).toBe('SALE_AT_OTHER_TILL');
      expect(refused.message).toMatch(/another till.*connection to the loyalty server/);
      const history = await tillA.call('member.history', { memberId: member.id }, managerA);
      expect(history.otherTillsUnavailable).toBe(true);
      expect(history.sales).toEqual([]);
    } finally {
      proxy.mode = 'pass';
    }
  });
});
