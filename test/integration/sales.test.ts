import { afterEach, describe, expect, test } from 'vitest';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { createTestTerminal, SATURDAY, TUESDAY, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t.close());

const count = (table: string) => t.backend.store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('sale commit', () => {
  test('writes the sale, its lines, ledger entries, lot and outbox event together, with the explanation', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager')); // 100 enrolment points
    const saleId = uuidv7();
    const result = t.call(
      'sale.commit',
      { saleId, memberId: member.id, lines: [{ sku: 'BREAD', quantity: 4 }, { barcode: '9002490100070' }] },
      cashier,
    );

    // 4 × 2.50 bread earns 10 points; cigarettes earn nothing.
    expect(result.totalMinor).toBe(2100);
    expect(result.earnPoints).toBe(10);
    expect(result.earnExplanation.map((e) => [e.rule, e.points])).toEqual([
      ['rule:tobacco', 0],
      ['base', 10],
    ]);
    expect(result.balanceAfter).toBe(110);
    expect(t.call('member.get', { memberId: member.id }, cashier).balance).toBe(110);

    const db = t.backend.store.db;
    expect(db.prepare('SELECT kind, points FROM ledger WHERE sale_id = ?').all(saleId)).toEqual([{ kind: 'earn', points: 10 }]);
    expect(db.prepare('SELECT count(*) FROM sale_lines WHERE sale_id = ?').pluck().get(saleId)).toBe(2);
    const event = db.prepare("SELECT payload FROM outbox WHERE kind = 'sale.committed'").pluck().get() as string;
    expect(JSON.parse(event)).toMatchObject({ saleId, memberId: member.id, pointsEarned: 10, storeId: 'store-1' });
  });

  test('committing the same sale id again changes nothing and returns the first answer', () => {
    t = createTestTerminal();
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager'));
    const input = { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'TV', quantity: 1 }] };
    const first = t.call('sale.commit', input, cashier);
    const counts = ['sales', 'ledger', 'outbox', 'point_lots'].map(count);
    t.clock.advance(60_000);
    const again = t.call('sale.commit', { ...input, lines: [{ sku: 'BREAD', quantity: 1 }] }, cashier);
    expect(again).toEqual(first);
    expect(['sales', 'ledger', 'outbox', 'point_lots'].map(count)).toEqual(counts);
  });

  test('a refused redemption writes nothing at all', () => {
    t = createTestTerminal();
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager')); // 100 points: below the 500 minimum
    const counts = ['sales', 'ledger', 'outbox'].map(count);
    const error = t.fail(
      'sale.commit',
      { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'TV' }], redemption: { kind: 'points', points: 500 } },
      cashier,
    );
    expect(error.code).toBe('INSUFFICIENT_POINTS');
    expect(['sales', 'ledger', 'outbox'].map(count)).toEqual(counts);
  });

  test('points pay part of the basket and points are earned only on what was paid', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const member = t.enrol(manager);
    t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 900, reason: 'welcome back' }, manager);
    const preview = t.call('sale.preview', { memberId: member.id, lines: [{ sku: 'COFFEE-CUP', quantity: 4 }] }, cashier);
    // 1000 points, basket 14.00, at most 50% = 7.00 = 700 points, in steps of 100 from 500.
    expect(preview.limits).toMatchObject({ allowed: true, minPoints: 500, maxPoints: 700, stepPoints: 100 });

    const sale = t.call(
      'sale.commit',
      { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'COFFEE-CUP', quantity: 4 }], redemption: { kind: 'points', points: 700 } },
      cashier,
    );
    expect(sale.discountMinor).toBe(700);
    expect(sale.payableMinor).toBe(700);
    expect(sale.earnPoints).toBe(7); // on 7.00 paid, not 14.00
    expect(sale.balanceAfter).toBe(1000 - 700 + 7);
    expect(t.call('member.get', { memberId: member.id }, cashier)).toMatchObject({ balance: 307, available: 307 });
  });

  test('a product reward makes one unit free and takes its points', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const member = t.enrol(manager);
    t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 200, reason: 'complaint' }, manager);
    const sale = t.call(
      'sale.commit',
      {
        saleId: uuidv7(),
        memberId: member.id,
        lines: [{ sku: 'COFFEE-CUP', quantity: 2 }],
        redemption: { kind: 'reward', rewardId: 'free-coffee' },
      },
      cashier,
    );
    expect(sale.discountMinor).toBe(350);
    expect(sale.redemption).toMatchObject({ points: 300, rewardId: 'free-coffee' });
    expect(sale.balanceAfter).toBe(300 - 300 + 3);
  });

  test('a voucher reward issues a code, and needs the tier', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const member = t.enrol(manager);
    t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 6000, reason: 'migration from old card' }, manager);
    const refused = t.fail(
      'sale.commit',
      { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'BREAD' }], redemption: { kind: 'reward', rewardId: 'spa-day' } },
      cashier,
    );
    expect(refused.code).toBe('REDEMPTION_NOT_ALLOWED');
    // 2000 qualifying points from spending make the member gold at once (5 × 499.00 earns 2495).
    const big = t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'TV', quantity: 5 }] }, cashier);
    expect(big.tierAfter).toBe('gold');
    const sale = t.call(
      'sale.commit',
      { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'BREAD' }], redemption: { kind: 'reward', rewardId: 'spa-day' } },
      cashier,
    );
    expect(sale.voucherCode).toMatch(/^V-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  });

  test('Saturday double points follow the store clock in Paris', () => {
    t = createTestTerminal({ now: SATURDAY });
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager'));
    const sat = t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'COFFEE-CUP', quantity: 2 }] }, cashier);
    expect(sat.earnExplanation.find((e) => e.rule === 'promo:saturday')?.points).toBe(7);
    // 23:30 UTC on Saturday is already 00:30 on Sunday in Paris.
    t.clock.set(Date.UTC(2025, 2, 15, 23, 30));
    const sun = t.call(
      'sale.commit',
      { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'COFFEE-CUP', quantity: 2 }] },
      t.login('cashier'),
    );
    expect(sun.earnExplanation.some((e) => e.rule === 'promo:saturday')).toBe(false);
  });

  test('a sale without a member earns nothing and still commits; an unknown product is named', () => {
    t = createTestTerminal();
    const cashier = t.login('cashier');
    const sale = t.call('sale.commit', { saleId: uuidv7(), memberId: null, lines: [{ category: 'bakery', amountMinor: 990 }] }, cashier);
    expect(sale.earnPoints).toBe(0);
    expect(sale.balanceAfter).toBeNull();
    const error = t.fail('sale.preview', { memberId: null, lines: [{ sku: 'NOPE' }] }, cashier);
    expect(error).toMatchObject({ code: 'NOT_FOUND', details: { lineNo: 1 } });
  });

  test('a blocked member earns nothing and cannot redeem', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager'));
    t.backend.store.db.prepare("UPDATE members SET status = 'blocked' WHERE id = ?").run(member.id);
    const preview = t.call('sale.preview', { memberId: member.id, lines: [{ sku: 'TV' }] }, cashier);
    expect(preview.earnPoints).toBe(0);
    expect(preview.limits).toMatchObject({ allowed: false, reasonCode: 'MEMBER_BLOCKED' });
  });

  test('the fifth purchase within 30 days earns the bonus once', () => {
    t = createTestTerminal({ now: TUESDAY });
    const member = t.enrol(t.login('manager'));
    const bonuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const sale = t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'BREAD' }] }, t.login('cashier'));
      bonuses.push(sale.bonuses.filter((b) => b.kind === 'nth_purchase').length);
      t.clock.advance(86_400_000);
    }
    expect(bonuses).toEqual([0, 0, 0, 0, 1, 0]);
  });

  test('a referral pays both members on the new member’s first purchase only', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const referrer = t.enrol(manager);
    const friend = t.enrol(manager, { referrerCard: referrer.cards[0]! });
    const first = t.call('sale.commit', { saleId: uuidv7(), memberId: friend.id, lines: [{ sku: 'BREAD' }] }, cashier);
    expect(first.bonuses.map((b) => [b.kind, b.points])).toEqual([
      ['referral_referee', 100],
      ['referral_referrer', 150],
    ]);
    t.call('sale.commit', { saleId: uuidv7(), memberId: friend.id, lines: [{ sku: 'BREAD' }] }, cashier);
    expect(t.call('member.get', { memberId: referrer.id }, cashier).balance).toBe(100 + 150);
  });
});

describe('void', () => {
  test('gives back spent points and takes back earned points; twice is a no-op', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const member = t.enrol(manager);
    t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 500, reason: 'goodwill' }, manager);
    const saleId = uuidv7();
    t.call('sale.commit', { saleId, memberId: member.id, lines: [{ sku: 'TV' }], redemption: { kind: 'points', points: 600 } }, cashier);
    expect(t.call('member.get', { memberId: member.id }, cashier).balance).toBe(600 - 600 + 493);
    const voided = t.call('sale.void', { saleId }, cashier);
    expect(voided).toEqual({ saleId, pointsReversed: 493, pointsRestored: 600, balanceAfter: 600, pointsExpiredNotReversed: 0 });
    expect(t.call('sale.void', { saleId }, cashier)).toEqual(voided);
    expect(t.backend.store.db.prepare("SELECT count(*) FROM outbox WHERE kind = 'sale.voided'").pluck().get()).toBe(1);
  });

  test('a manager voiding a sale whose points expired meanwhile takes none of them back: no debt, and the void says how many', () => {
    t = createTestTerminal({ now: TUESDAY });
    const manager = t.login('manager');
    const member = t.enrol(manager); // 100 enrolment points, expiring with the sale's
    const saleId = uuidv7();
    const sale = t.call('sale.commit', { saleId, memberId: member.id, lines: [{ category: 'bakery', amountMinor: 1200 }] }, manager);
    expect(sale.pointsAwarded).toBe(12);
    t.clock.set(Date.UTC(2026, 3, 14, 10, 0)); // 13 months on: all 112 points have expired
    const later = t.login('manager');
    const voided = t.call('sale.void', { saleId }, later);
    expect(voided).toEqual({ saleId, pointsReversed: 0, pointsRestored: 0, balanceAfter: 0, pointsExpiredNotReversed: 12 });
    expect(t.backend.store.db.prepare('SELECT balance, debt FROM members WHERE id = ?').get(member.id)).toEqual({ balance: 0, debt: 0 });
    expect(t.call('member.history', { memberId: member.id }, later).sales[0]).toMatchObject({
      status: 'voided',
      pointsExpiredNotReversed: 12,
    });
  });

  test('a cashier may void only their own recent sale; a manager any', () => {
    t = createTestTerminal();
    const cashier = t.login('cashier');
    const other = t.login('cashier2');
    const saleId = uuidv7();
    t.call('sale.commit', { saleId, memberId: null, lines: [{ sku: 'BREAD' }] }, cashier);
    expect(t.fail('sale.void', { saleId }, other).code).toBe('FORBIDDEN');
    t.clock.advance(16 * 60_000);
    expect(t.fail('sale.void', { saleId }, t.login('cashier')).code).toBe('FORBIDDEN');
    expect(t.call('sale.void', { saleId }, t.login('manager')).saleId).toBe(saleId);
  });
});
