import { describe, expect, it } from 'vitest';
import { consumeLots, creditPoints, dueForExpiry, expiringWithin, lotExpiry } from '../../../shared/loyalty/lots.ts';
import type { PointLot } from '../../../shared/loyalty/types.ts';
import { demoProgram, programWith } from '../../fixtures/program.ts';
import { at, DAY } from './builders.ts';

const lot = (id: number, remaining: number, expiresAt: number): PointLot => ({ id, remaining, earnedAt: 0, expiresAt });

describe('lot expiry (12 months)', () => {
  it('expires 12 calendar months after it was earned', () => {
    expect(lotExpiry(at('2024-01-31T10:00'), demoProgram)).toBe(at('2025-01-31T10:00'));
    expect(lotExpiry(at('2024-02-29T10:00'), demoProgram)).toBe(at('2025-02-28T10:00'));
    expect(lotExpiry(at('2025-01-31T10:00'), programWith({ expiry: { months: 1 } }))).toBe(at('2025-02-28T10:00'));
  });

  it('is due at its expiry instant, not a millisecond before; empty lots are never due', () => {
    const now = at('2025-06-01T00:00');
    const lots = [lot(1, 10, now), lot(2, 10, now + 1), lot(3, 0, now - DAY), lot(4, 5, now - DAY)];
    expect(dueForExpiry(lots, now).map((l) => l.id)).toEqual([1, 4]);
  });

  it('expiringWithin 30 days counts lots that expire after now and by now + 30 days', () => {
    const now = at('2025-06-01T00:00');
    const lots = [lot(1, 100, now), lot(2, 20, now + 1), lot(3, 30, now + 30 * DAY), lot(4, 40, now + 30 * DAY + 1), lot(5, 0, now + DAY)];
    expect(expiringWithin(lots, now, 30)).toBe(20 + 30);
  });
});

describe('consumeLots: earliest expiry first', () => {
  const lots = [lot(1, 100, 300), lot(3, 70, 200), lot(2, 50, 200), lot(4, 0, 100)];

  it('takes from the soonest-expiring lots, ties by id, skipping empty ones', () => {
    expect(consumeLots(lots, 130)).toEqual({
      takes: [{ lotId: 2, points: 50 }, { lotId: 3, points: 70 }, { lotId: 1, points: 10 }],
      shortfall: 0,
    });
  });

  it('reports the shortfall when the lots are not enough, never taking more than a lot holds', () => {
    expect(consumeLots(lots, 500)).toEqual({
      takes: [{ lotId: 2, points: 50 }, { lotId: 3, points: 70 }, { lotId: 1, points: 100 }],
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
