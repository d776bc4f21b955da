import { describe, expect, it } from 'vitest';
import { dueForExpiry, duePoints, expiringWithin, isDue, lotExpiry } from '../../../shared/loyalty/expiry.ts';
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

  it('counts the points due; a lot without an expiry (the server’s “never”) is never due', () => {
    const now = at('2025-06-01T00:00');
    const lots = [
      { remaining: 10, expiresAt: now },
      { remaining: 7, expiresAt: null },
      { remaining: 5, expiresAt: now - DAY },
      { remaining: 3, expiresAt: now + 1 },
    ];
    expect(duePoints(lots, now)).toBe(15);
    expect(isDue({ remaining: 7, expiresAt: null }, Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(expiringWithin(lots, now, 30)).toBe(3);
  });
});
