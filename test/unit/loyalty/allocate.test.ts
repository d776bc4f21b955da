import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../shared/loyalty/allocate.ts';

describe('allocate', () => {
  it('splits in proportion when it divides exactly', () => {
    expect(allocate(100, [1, 3])).toEqual([25, 75]);
  });

  it('gives leftover units to the largest remainders', () => {
    // 10 over [1,1,1]: 3.33 each → floors 3,3,3, one unit left → first index (tie).
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3]);
    // 7 over [2,3,5]: exact 1.4, 2.1, 3.5 → floors 1,2,3 (sum 6); largest remainder .5 → third.
    expect(allocate(7, [2, 3, 5])).toEqual([1, 2, 4]);
  });

  it('never gives a zero weight anything', () => {
    expect(allocate(5, [0, 1, 0, 1])).toEqual([0, 3, 0, 2]);
  });

  it('gives all zeros when every weight is zero (nothing to follow)', () => {
    expect(allocate(0, [0, 0])).toEqual([0, 0]);
    expect(allocate(9, [0, 0])).toEqual([0, 0]);
    expect(allocate(9, [])).toEqual([]);
  });

  it('stays exact beyond 2^53 (amount × multiplier weights)', () => {
    const big = 9_000_000_000_000; // 9e12 each: total × weight passes 2^53
    expect(allocate(1_000_001, [big, big])).toEqual([500_001, 500_000]);
  });

  it('refuses negative or fractional input as a programming error', () => {
    expect(() => allocate(-1, [1])).toThrow(RangeError);
    expect(() => allocate(1.5, [1])).toThrow(RangeError);
    expect(() => allocate(1, [-1, 2])).toThrow(RangeError);
  });

  it('property: sums exactly, each share within 1 of its exact proportion, never negative', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.array(fc.nat(100_000), { minLength: 1, maxLength: 12 }), (total, weights) => {
        const shares = allocate(total, weights);
        const weightSum = weights.reduce((s, w) => s + w, 0);
        expect(shares).toHaveLength(weights.length);
        if (weightSum === 0) {
          expect(shares.every((s) => s === 0)).toBe(true);
          return;
        }
        expect(shares.reduce((s, v) => s + v, 0)).toBe(total);
        shares.forEach((share, i) => {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(Math.abs(share - (total * weights[i]!) / weightSum)).toBeLessThan(1);
          if (weights[i] === 0) expect(share).toBe(0);
        });
      }),
    );
  });
});
