import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.ts';
import { pointsToMinor, redemptionLimits, validatePointsRedemption, validateReward } from '../../../shared/loyalty/redeem.ts';
import type { MemberState } from '../../../shared/loyalty/types.ts';
import { demoProgram, programWith } from '../../fixtures/program.ts';
import { line, member } from './builders.ts';

const program = demoProgram;

/** The AppError code and details thrown by fn. */
function failure(fn: () => unknown): { code: string; details: unknown } {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('pointsToMinor (100 points = 1.00)', () => {
  it('converts and floors', () => {
    expect(pointsToMinor(program, 500)).toBe(500);
    const odd = programWith({ redeem: { points: 3, valueMinor: 1, minPoints: 30, stepPoints: 10 } });
    expect(pointsToMinor(odd, 31)).toBe(10); // 31 / 3 = 10.33
  });
});

describe('redemptionLimits (min 500, step 100, at most 50% of the basket)', () => {
  it('the balance limits: 1234 available on 30.00 → max 1200', () => {
    const limits = redemptionLimits({ program, member: member({ available: 1234 }), totalMinor: 3000 });
    // Basket cap 15.00 = 1500 points; balance 1234 → 1200 in steps of 100.
    // Quick: third of 500..1200 is 233 → round unit 200 → 733 → 800, 967 → 1000.
    expect(limits).toEqual({ allowed: true, minPoints: 500, maxPoints: 1200, stepPoints: 100, quick: [500, 800, 1000, 1200] });
  });

  it('the basket limits: 99.99 with 5000 available → 49.99 → 4900', () => {
    const limits = redemptionLimits({ program, member: member({ available: 5000 }), totalMinor: 9999 });
    expect(limits.maxPoints).toBe(4900);
    expect(limits.quick).toEqual([500, 2000, 3000, 4900]);
  });

  it('exactly the minimum: one quick button', () => {
    expect(redemptionLimits({ program, member: member({ available: 500 }), totalMinor: 1000 })).toMatchObject({
      allowed: true,
      maxPoints: 500,
      quick: [500],
    });
  });

  it('not enough points → INSUFFICIENT_POINTS', () => {
    expect(redemptionLimits({ program, member: member({ available: 450 }), totalMinor: 10_000 })).toEqual({
      allowed: false,
      reason: 'needs at least 500 points, 450 available',
      reasonCode: 'INSUFFICIENT_POINTS',
      minPoints: 500,
      maxPoints: 0,
      stepPoints: 100,
      quick: [],
    });
  });

  it('a basket too small → REDEMPTION_NOT_ALLOWED', () => {
    // 9.00 → at most 4.50 → 400 points < 500.
    expect(redemptionLimits({ program, member: member({ available: 5000 }), totalMinor: 900 })).toMatchObject({
      allowed: false,
      reasonCode: 'REDEMPTION_NOT_ALLOWED',
      reason: 'at most 4.50 (50%) of this basket can be paid with points, less than 500 points',
    });
  });

  it('a negative balance (debt) is not spendable', () => {
    expect(redemptionLimits({ program, member: member({ available: -200 }), totalMinor: 10_000 }).reason).toBe(
      'needs at least 500 points, 0 available',
    );
  });

  it('blocked member and no member', () => {
    expect(redemptionLimits({ program, member: member({ status: 'blocked', available: 9000 }), totalMinor: 10_000 })).toMatchObject({
      allowed: false,
      reasonCode: 'MEMBER_BLOCKED',
    });
    const none = redemptionLimits({ program, member: null, totalMinor: 10_000 });
    expect(none).toMatchObject({ allowed: false, reason: 'no member', maxPoints: 0 });
    expect(none.reasonCode).toBeUndefined();
  });

  it('property: every quick button is accepted, ascending, at most 4', () => {
    fc.assert(
      fc.property(fc.nat(200_000), fc.integer({ min: -1000, max: 50_000 }), (totalMinor, available) => {
        const m = member({ available });
        const limits = redemptionLimits({ program, member: m, totalMinor });
        expect(limits.quick.length).toBeLessThanOrEqual(4);
        if (!limits.allowed) {
          expect(limits.quick).toEqual([]);
          return;
        }
        expect(limits.quick[0]).toBe(limits.minPoints);
        expect(limits.quick.at(-1)).toBe(limits.maxPoints);
        limits.quick.forEach((p, i) => {
          if (i > 0) expect(p).toBeGreaterThan(limits.quick[i - 1]!);
          expect(validatePointsRedemption({ program, member: m, totalMinor, points: p }).points).toBe(p);
        });
        // The maximum is the maximum: one more step is refused.
        expect(() => validatePointsRedemption({ program, member: m, totalMinor, points: limits.maxPoints + 100 })).toThrow();
      }),
    );
  });
});

describe('validatePointsRedemption', () => {
  const rich: MemberState = member({ available: 1234 });
  const check =
    (points: number, m: MemberState | null = rich, totalMinor = 3000) =>
    () =>
      validatePointsRedemption({ program, member: m, totalMinor, points });

  it('accepts a valid amount and prices the discount', () => {
    expect(check(700)()).toEqual({ points: 700, discountMinor: 700 });
  });

  it('refuses below the minimum, off-step, above the balance, above the basket cap', () => {
    expect(failure(check(400))).toEqual({ code: 'REDEMPTION_NOT_ALLOWED', details: { min: 500, max: 1200, step: 100 } });
    expect(failure(check(550)).code).toBe('REDEMPTION_NOT_ALLOWED');
    expect(failure(check(1300))).toEqual({ code: 'INSUFFICIENT_POINTS', details: { min: 500, max: 1200, step: 100, available: 1234 } });
    expect(failure(check(1600, member({ available: 5000 })))).toEqual({
      code: 'REDEMPTION_NOT_ALLOWED',
      details: { min: 500, max: 1500, step: 100, capMinor: 1500 },
    });
    expect(check(1500, member({ available: 5000 }))()).toEqual({ points: 1500, discountMinor: 1500 });
  });

  it('refuses a blocked member or no member', () => {
    expect(failure(check(500, member({ status: 'blocked', available: 5000 }))).code).toBe('MEMBER_BLOCKED');
    expect(failure(check(500, null)).code).toBe('REDEMPTION_NOT_ALLOWED');
  });
});

describe('validateReward', () => {
  const basket = [line(1, 'grocery', 1000), line(2, 'cafe', 350, 2, 'COFFEE-CUP')];

  it('a product reward makes one unit of that line free', () => {
    const r = validateReward({ program, member: member({ available: 300 }), rewardId: 'free-coffee', lines: basket });
    expect(r).toMatchObject({ discountMinor: 350, lineNo: 2, issuesVoucher: false });
    expect(r.reward.points).toBe(300);
  });

  it('refuses a product reward when the product is not in the basket', () => {
    expect(
      failure(() =>
        validateReward({ program, member: member({ available: 900 }), rewardId: 'free-coffee', lines: [line(1, 'grocery', 1000)] }),
      ),
    ).toEqual({
      code: 'REDEMPTION_NOT_ALLOWED',
      details: { rewardId: 'free-coffee', sku: 'COFFEE-CUP' },
    });
  });

  it('refuses when the member has too few points', () => {
    expect(
      failure(() => validateReward({ program, member: member({ available: 299 }), rewardId: 'free-coffee', lines: basket })).code,
    ).toBe('INSUFFICIENT_POINTS');
  });

  it('a voucher needs the minimum tier (gold) or higher, gives no discount and issues a voucher', () => {
    const spa = (tier: string) => () =>
      validateReward({ program, member: member({ tier, available: 6000 }), rewardId: 'spa-day', lines: basket });
    expect(failure(spa('silver'))).toEqual({ code: 'REDEMPTION_NOT_ALLOWED', details: { rewardId: 'spa-day', minTier: 'gold' } });
    expect(spa('gold')()).toMatchObject({ discountMinor: 0, lineNo: null, issuesVoucher: true });
    expect(spa('platinum')().issuesVoucher).toBe(true);
  });

  it('refuses an unknown reward, a blocked member, no member', () => {
    expect(failure(() => validateReward({ program, member: member({ available: 9000 }), rewardId: 'yacht', lines: basket })).code).toBe(
      'REDEMPTION_NOT_ALLOWED',
    );
    expect(
      failure(() =>
        validateReward({ program, member: member({ status: 'blocked', available: 9000 }), rewardId: 'free-coffee', lines: basket }),
      ).code,
    ).toBe('MEMBER_BLOCKED');
    expect(failure(() => validateReward({ program, member: null, rewardId: 'free-coffee', lines: basket })).code).toBe(
      'REDEMPTION_NOT_ALLOWED',
    );
  });
});
