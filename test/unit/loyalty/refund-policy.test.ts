/**
 * The refund and void policy for earned points (shared/loyalty/refund.ts,
 * docs/programme.md "Refunds and voids"): points whose expiry has come are not
 * taken back; points not yet expired are, in full, whether or not spent.
 */
import { describe, expect, it } from 'vitest';
import { applyRefundPolicy, earnExpired, earnToTakeBack, refundPoints } from '../../../shared/loyalty/refund.ts';

const SOLD = Date.parse('2025-01-10T10:00:00Z');
const EXPIRES = Date.parse('2026-01-10T10:00:00Z'); // 12 months later

describe('earnExpired', () => {
  it('is false a millisecond before the expiry instant and true at it and after; never for points that never expire', () => {
    expect(earnExpired(EXPIRES, EXPIRES - 1)).toBe(false);
    expect(earnExpired(EXPIRES, EXPIRES)).toBe(true);
    expect(earnExpired(EXPIRES, EXPIRES + 86_400_000)).toBe(true);
    expect(earnExpired(null, EXPIRES * 2)).toBe(false);
  });
});

describe('earnToTakeBack (a void: every entry the sale gave, each with its expiry)', () => {
  it('takes back every point before the expiry instant', () => {
    expect(earnToTakeBack([{ points: 10, expiresAt: EXPIRES }], EXPIRES - 1)).toEqual({ takeBack: 10, expired: 0 });
  });
  it('takes back nothing at or after the expiry instant: the points are reported as expired', () => {
    expect(earnToTakeBack([{ points: 10, expiresAt: EXPIRES }], EXPIRES)).toEqual({ takeBack: 0, expired: 10 });
  });
  it('splits entries that expire at different instants (an earn and a later bonus)', () => {
    const later = EXPIRES + 30 * 86_400_000;
    expect(
      earnToTakeBack(
        [
          { points: 10, expiresAt: EXPIRES },
          { points: 50, expiresAt: later },
          { points: 5, expiresAt: null },
        ],
        EXPIRES + 1,
      ),
    ).toEqual({ takeBack: 55, expired: 10 });
  });
  it('ignores empty portions', () => {
    expect(earnToTakeBack([{ points: 0, expiresAt: EXPIRES }], EXPIRES + 1)).toEqual({ takeBack: 0, expired: 0 });
  });
});

describe('applyRefundPolicy (a refund of some lines)', () => {
  const lines = [
    { lineNo: 1, quantity: 2, refundedQuantity: 0, earnPoints: 10, redeemedPoints: 4, paidMinor: 1000 },
    { lineNo: 2, quantity: 1, refundedQuantity: 0, earnPoints: 3, redeemedPoints: 0, paidMinor: 300 },
  ];
  const plan = refundPoints({
    lines,
    request: [
      { lineNo: 1, quantity: 1 },
      { lineNo: 2, quantity: 1 },
    ],
  });

  it('before the expiry instant: takes back the earned share of each line as before, nothing reported expired', () => {
    const r = applyRefundPolicy(plan, EXPIRES, EXPIRES - 1);
    expect({
      reversedEarn: r.reversedEarn,
      expiredEarn: r.expiredEarn,
      restoredRedeem: r.restoredRedeem,
      refundMinor: r.refundMinor,
    }).toEqual({
      reversedEarn: 8,
      expiredEarn: 0,
      restoredRedeem: 2,
      refundMinor: 800,
    });
    expect(r.lines.map((l) => [l.lineNo, l.reversedEarn, l.expiredEarn])).toEqual([
      [1, 5, 0],
      [2, 3, 0],
    ]);
  });

  it('after the expiry instant: takes back no earned point, reports them expired, still gives back the spent points and the money', () => {
    const r = applyRefundPolicy(plan, EXPIRES, EXPIRES + 1);
    expect({
      reversedEarn: r.reversedEarn,
      expiredEarn: r.expiredEarn,
      restoredRedeem: r.restoredRedeem,
      refundMinor: r.refundMinor,
    }).toEqual({
      reversedEarn: 0,
      expiredEarn: 8,
      restoredRedeem: 2,
      refundMinor: 800,
    });
    expect(r.lines.map((l) => [l.lineNo, l.reversedEarn, l.expiredEarn])).toEqual([
      [1, 0, 5],
      [2, 0, 3],
    ]);
  });

  it('partially spent points before expiry are still taken back in full (the shortfall is a debt, recorded by the store)', () => {
    // The policy decides what to take back, not where from: 8 points even if the member has 3 left.
    expect(applyRefundPolicy(plan, EXPIRES, SOLD + 1).reversedEarn).toBe(8);
  });

  it('points that never expire are always taken back', () => {
    expect(applyRefundPolicy(plan, null, EXPIRES * 2)).toMatchObject({ reversedEarn: 8, expiredEarn: 0 });
  });

  it('the expired and taken-back figures always add up to the line share refundPoints computed', () => {
    for (const at of [SOLD, EXPIRES - 1, EXPIRES, EXPIRES + 1]) {
      const r = applyRefundPolicy(plan, EXPIRES, at);
      expect(r.reversedEarn + r.expiredEarn).toBe(plan.reversedEarn);
    }
  });
});
