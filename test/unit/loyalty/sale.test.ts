import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.ts';
import { priceSale } from '../../../shared/loyalty/sale.ts';
import type { BasketLine, MemberState, RedemptionRequest } from '../../../shared/loyalty/types.ts';
import { demoProgram } from '../../fixtures/program.ts';
import { DAY, line, member, QUIET_WEDNESDAY } from './builders.ts';

const price = (lines: BasketLine[], m: MemberState | null, redemption: RedemptionRequest | null = null, now = QUIET_WEDNESDAY) =>
  priceSale({ program: demoProgram, now, lines, member: m, redemption });

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'accepted';
}

describe('priceSale', () => {
  it('a plain member sale: totals, earn per line, balance after', () => {
    const q = price([line(1, 'grocery', 1250), line(2, 'organic', 400, 2)], member({ balance: 40, available: 40 }));
    // 12.50 + 8.00 = 20.50 → base 20, organic ×2 extra 8 → 28.
    expect(q).toMatchObject({
      programVersion: 1,
      totalMinor: 2050,
      discountMinor: 0,
      payableMinor: 2050,
      earnPoints: 28,
      balanceAfter: 68,
      tierAfter: null,
      redemption: null,
      bonuses: [],
    });
    // Weights 1250 × 100 and 800 × 200 → 28 × 125/285 = 12.28, 28 × 160/285 = 15.72 → 12 and 16.
    expect(q.lines.map((l) => [l.lineNo, l.paidMinor, l.earnPoints, l.redeemedPoints])).toEqual([
      [1, 1250, 12, 0],
      [2, 800, 16, 0],
    ]);
  });

  it('points are earned on what is paid after a points discount', () => {
    const m = member({ balance: 2000, available: 2000 });
    // 30.00 grocery + 10.00 tobacco, pay 1000 points = 10.00 → spread 7.50 / 2.50.
    const q = price([line(1, 'grocery', 3000), line(2, 'tobacco', 1000)], m, { kind: 'points', points: 1000 });
    expect(q.lines.map((l) => [l.discountMinor, l.paidMinor, l.redeemedPoints])).toEqual([
      [750, 2250, 750],
      [250, 750, 250],
    ]);
    // Eligible paid: 22.50 grocery (tobacco excluded) → 22 points, not 30.
    expect(q.earnPoints).toBe(22);
    expect(q).toMatchObject({ discountMinor: 1000, payableMinor: 3000, balanceAfter: 2000 - 1000 + 22 });
    expect(q.redemption).toEqual({
      kind: 'points',
      points: 1000,
      discountMinor: 1000,
      rewardId: null,
      issuesVoucher: false,
      explanation: {
        rule: 'redeem:points',
        label: 'Points redeemed',
        points: -1000,
        detail: 'discount 10.00',
        params: { discountMinor: 1000 },
      },
    });
    expect(q.limits).toMatchObject({ allowed: true, maxPoints: 2000 });
  });

  it('a product reward frees one unit on its line and carries its points there', () => {
    const q = price([line(1, 'cafe', 350, 2, 'COFFEE-CUP'), line(2, 'grocery', 1000)], member({ balance: 1000, available: 1000 }), {
      kind: 'reward',
      rewardId: 'free-coffee',
    });
    expect(q.lines.map((l) => [l.discountMinor, l.paidMinor, l.redeemedPoints])).toEqual([
      [350, 350, 300],
      [0, 1000, 0],
    ]);
    // Paid 3.50 + 10.00 → 13 points.
    expect(q).toMatchObject({ discountMinor: 350, payableMinor: 1350, earnPoints: 13, balanceAfter: 1000 - 300 + 13 });
    expect(q.redemption).toMatchObject({ kind: 'reward', points: 300, rewardId: 'free-coffee', issuesVoucher: false });
  });

  it('a voucher reward: no discount, no line carries its points, a voucher is issued', () => {
    const q = price([line(1, 'grocery', 2000)], member({ tier: 'gold', balance: 6000, available: 6000 }), {
      kind: 'reward',
      rewardId: 'spa-day',
    });
    expect(q.lines[0]).toMatchObject({ discountMinor: 0, redeemedPoints: 0 });
    // Gold: 20 + 10 = 30 points.
    expect(q).toMatchObject({ discountMinor: 0, earnPoints: 30, balanceAfter: 6000 - 5000 + 30 });
    expect(q.redemption).toMatchObject({ kind: 'reward', points: 5000, discountMinor: 0, issuesVoucher: true });
  });

  it('without a member: no points, explained; no redemption', () => {
    const q = price([line(1, 'grocery', 2000)], null);
    expect(q).toMatchObject({ earnPoints: 0, balanceAfter: null, bonuses: [], limits: { allowed: false, reason: 'no member' } });
    expect(q.earnExplanation).toEqual([{ rule: 'no-member', label: 'No member: no points', points: 0 }]);
    expect(errorCode(() => price([line(1, 'grocery', 2000)], null, { kind: 'points', points: 500 }))).toBe('REDEMPTION_NOT_ALLOWED');
  });

  it('a blocked member: no points, no bonuses, no redemption', () => {
    const blocked = member({ status: 'blocked', birthday: '03-05', balance: 900, available: 900 });
    const q = price([line(1, 'grocery', 2000)], blocked);
    expect(q).toMatchObject({ earnPoints: 0, bonuses: [], balanceAfter: 900, limits: { allowed: false, reasonCode: 'MEMBER_BLOCKED' } });
    expect(q.earnExplanation).toEqual([{ rule: 'member-blocked', label: 'Member blocked: no points', points: 0 }]);
    expect(errorCode(() => price([line(1, 'grocery', 2000)], blocked, { kind: 'points', points: 500 }))).toBe('MEMBER_BLOCKED');
  });

  it('bonuses: the member’s own count in balanceAfter, the referrer’s do not', () => {
    const m = member({ birthday: '03-05', referredBy: 'm-friend', purchaseCount: 0, balance: 100 });
    const q = price([line(1, 'grocery', 1000)], m);
    expect(q.bonuses.map((b) => [b.kind, b.memberId, b.points])).toEqual([
      ['birthday', 'm-1', 200],
      ['referral_referee', 'm-1', 100],
      ['referral_referrer', 'm-friend', 150],
    ]);
    expect(q.balanceAfter).toBe(100 + 10 + 200 + 100);
  });

  it('a sale below the minimum spend earns no bonus either', () => {
    const m = member({ birthday: '03-05', recentPurchaseTimes: [1, 2, 3, 4].map((d) => QUIET_WEDNESDAY - d * DAY) });
    expect(price([line(1, 'grocery', 99)], m).bonuses).toEqual([]);
    expect(price([line(1, 'grocery', 100)], m).bonuses.map((b) => b.kind)).toEqual(['birthday', 'nth_purchase']);
  });

  it('rejects a malformed basket with VALIDATION', () => {
    const m = member();
    expect(errorCode(() => price([], m))).toBe('VALIDATION');
    expect(errorCode(() => price([{ ...line(1, 'grocery', 100, 2), amountMinor: 199 }], m))).toBe('VALIDATION');
    expect(errorCode(() => price([line(1, 'grocery', 100), line(1, 'grocery', 200)], m))).toBe('VALIDATION');
    expect(errorCode(() => price([line(1, 'grocery', 100, 0)], m))).toBe('VALIDATION');
    expect(errorCode(() => price([line(1, 'grocery', -100)], m))).toBe('VALIDATION');
    expect(errorCode(() => price([line(1, 'grocery', 10.5)], m))).toBe('VALIDATION');
  });

  it('an invalid redemption stops the sale from pricing', () => {
    expect(errorCode(() => price([line(1, 'grocery', 3000)], member({ available: 400 }), { kind: 'points', points: 500 }))).toBe(
      'INSUFFICIENT_POINTS',
    );
  });
});
