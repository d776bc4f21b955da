import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.ts';
import { refundPoints, type RefundableLine } from '../../../shared/loyalty/refund.ts';

// 3 units: 10 points earned, 100 points spent, 10.00 paid.
const coffee: RefundableLine = { lineNo: 1, quantity: 3, refundedQuantity: 0, earnPoints: 10, redeemedPoints: 100, paidMinor: 1000 };
const bread: RefundableLine = { lineNo: 2, quantity: 1, refundedQuantity: 0, earnPoints: 4, redeemedPoints: 0, paidMinor: 450 };

describe('refundPoints', () => {
  it('reverses in proportion, floored: 1 of 3 → 3 points, 33 spent points, 3.33', () => {
    expect(refundPoints({ lines: [coffee, bread], request: [{ lineNo: 1, quantity: 1 }] })).toEqual({
      lines: [{ lineNo: 1, quantity: 1, reversedEarn: 3, restoredRedeem: 33, refundMinor: 333 }],
      reversedEarn: 3,
      restoredRedeem: 33,
      refundMinor: 333,
    });
  });

  it('three partial refunds of one unit add up to exactly the full line (3+3+4, 33+33+34, 333+333+334)', () => {
    const steps = [0, 1, 2].map((refundedQuantity) =>
      refundPoints({ lines: [{ ...coffee, refundedQuantity }], request: [{ lineNo: 1, quantity: 1 }] }),
    );
    expect(steps.map((s) => s.reversedEarn)).toEqual([3, 3, 4]);
    expect(steps.map((s) => s.restoredRedeem)).toEqual([33, 33, 34]);
    expect(steps.map((s) => s.refundMinor)).toEqual([333, 333, 334]);
  });

  it('a full refund of several lines reverses everything', () => {
    expect(
      refundPoints({
        lines: [coffee, bread],
        request: [
          { lineNo: 1, quantity: 3 },
          { lineNo: 2, quantity: 1 },
        ],
      }),
    ).toMatchObject({
      reversedEarn: 14,
      restoredRedeem: 100,
      refundMinor: 1450,
    });
  });

  it('refuses unknown lines, bad quantities, duplicates and over-refunds', () => {
    const code = (request: { lineNo: number; quantity: number }[], lines = [coffee, bread]) => {
      try {
        refundPoints({ lines, request });
      } catch (e) {
        if (isAppError(e)) return e.code;
      }
      return 'accepted';
    };
    expect(code([{ lineNo: 9, quantity: 1 }])).toBe('REFUND_NOT_ALLOWED');
    expect(code([{ lineNo: 1, quantity: 0 }])).toBe('REFUND_NOT_ALLOWED');
    expect(code([{ lineNo: 1, quantity: -1 }])).toBe('REFUND_NOT_ALLOWED');
    expect(code([{ lineNo: 1, quantity: 1.5 }])).toBe('REFUND_NOT_ALLOWED');
    expect(
      code([
        { lineNo: 1, quantity: 1 },
        { lineNo: 1, quantity: 1 },
      ]),
    ).toBe('REFUND_NOT_ALLOWED');
    expect(code([{ lineNo: 1, quantity: 4 }])).toBe('REFUND_NOT_ALLOWED');
    expect(code([{ lineNo: 1, quantity: 2 }], [{ ...coffee, refundedQuantity: 2 }])).toBe('REFUND_NOT_ALLOWED');
    expect(code([])).toBe('REFUND_NOT_ALLOWED');
    expect(code([{ lineNo: 1, quantity: 1 }], [{ ...coffee, refundedQuantity: 2 }])).toBe('accepted');
  });

  it('property: any sequence of partial refunds never exceeds the line, and a full refund matches it exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.nat(100_000),
        fc.nat(100_000),
        fc.nat(10_000_000),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 30 }),
        (quantity, earnPoints, redeemedPoints, paidMinor, wishes) => {
          let refunded = 0;
          const totals = { earn: 0, redeem: 0, minor: 0 };
          // The wished partial refunds, then whatever is left, so every run ends fully refunded.
          for (const wish of [...wishes, quantity]) {
            const q = Math.min(wish, quantity - refunded);
            if (q === 0) break;
            const r = refundPoints({
              lines: [{ lineNo: 1, quantity, refundedQuantity: refunded, earnPoints, redeemedPoints, paidMinor }],
              request: [{ lineNo: 1, quantity: q }],
            });
            refunded += q;
            totals.earn += r.reversedEarn;
            totals.redeem += r.restoredRedeem;
            totals.minor += r.refundMinor;
            expect(totals.earn).toBeLessThanOrEqual(earnPoints);
            expect(totals.redeem).toBeLessThanOrEqual(redeemedPoints);
            expect(totals.minor).toBeLessThanOrEqual(paidMinor);
          }
          expect(totals).toEqual({ earn: earnPoints, redeem: redeemedPoints, minor: paidMinor });
        },
      ),
    );
  });
});
