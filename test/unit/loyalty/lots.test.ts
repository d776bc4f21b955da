import { describe, expect, it } from 'vitest';
import { consumeLots, creditPoints } from '../../../shared/loyalty/lots.ts';
import type { PointLot } from '../../../shared/loyalty/types.ts';

const lot = (id: number, remaining: number, expiresAt: number): PointLot => ({ id, remaining, earnedAt: 0, expiresAt });

describe('consumeLots: earliest expiry first', () => {
  const lots = [lot(1, 100, 300), lot(3, 70, 200), lot(2, 50, 200), lot(4, 0, 100)];

  it('takes from the soonest-expiring lots, ties by id, skipping empty ones', () => {
    expect(consumeLots(lots, 130)).toEqual({
      takes: [
        { lotId: 2, points: 50 },
        { lotId: 3, points: 70 },
        { lotId: 1, points: 10 },
      ],
      shortfall: 0,
    });
  });

  it('reports the shortfall when the lots are not enough, never taking more than a lot holds', () => {
    expect(consumeLots(lots, 500)).toEqual({
      takes: [
        { lotId: 2, points: 50 },
        { lotId: 3, points: 70 },
        { lotId: 1, points: 100 },
      ],
      shortfall: 280,
    });
  });

  it('takes nothing for 0 points', () => {
    expect(consumeLots(lots, 0)).toEqual({ takes: [], shortfall: 0 });
  });

  it('does not reorder the caller’s array', () => {
    consumeLots(lots, 10);
    expect(lots.map((l) => l.id)).toEqual([1, 3, 2, 4]);
  });
});

describe('creditPoints: new points pay a recorded debt first', () => {
  it('splits between the debt and a new lot', () => {
    expect(creditPoints(30, 100)).toEqual({ debtPaid: 30, lotPoints: 70 });
    expect(creditPoints(120, 100)).toEqual({ debtPaid: 100, lotPoints: 0 });
    expect(creditPoints(0, 100)).toEqual({ debtPaid: 0, lotPoints: 100 });
  });
});
