import { describe, expect, it } from 'vitest';
import { ageUnit, formatAge } from '../../../renderer/components/sync-details/sync-age.ts';

describe('sync age', () => {
  it('uses the largest whole unit', () => {
    expect(ageUnit(500)).toEqual({ value: 0, unit: 'second' });
    expect(ageUnit(-5)).toEqual({ value: 0, unit: 'second' });
    expect(ageUnit(59_999)).toEqual({ value: 59, unit: 'second' });
    expect(ageUnit(3 * 3_600_000 + 1)).toEqual({ value: 3, unit: 'hour' });
    expect(ageUnit(2 * 86_400_000)).toEqual({ value: 2, unit: 'day' });
  });

  it('reads as time ago in the locale', () => {
    expect(formatAge(3 * 3_600_000, 'en')).toBe('3 hours ago');
    expect(formatAge(3 * 3_600_000, 'de')).toBe('vor 3 Stunden');
    expect(formatAge(100, 'en')).toBe('now');
  });
});
