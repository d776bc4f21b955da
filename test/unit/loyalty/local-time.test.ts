import { describe, expect, it } from 'vitest';
import { addMonths, localParts } from '../../../shared/loyalty/local-time.ts';
import { at } from './builders.ts';

describe('localParts', () => {
  it('gives the Paris date, ISO weekday and minutes of a UTC instant', () => {
    // 2025-03-29 22:30 UTC = Saturday 23:30 in Paris (UTC+1 in winter).
    expect(localParts(at('2025-03-29T22:30'), 'Europe/Paris')).toEqual({
      year: 2025,
      month: 3,
      day: 29,
      weekday: 6,
      minutes: 23 * 60 + 30,
      date: '2025-03-29',
    });
    // One hour later it is already Sunday in Paris, still Saturday in UTC.
    expect(localParts(at('2025-03-29T23:30'), 'Europe/Paris')).toMatchObject({ weekday: 7, minutes: 30, date: '2025-03-30' });
  });

  it('follows the DST jump: 01:59 CET is followed by 03:00 CEST', () => {
    expect(localParts(at('2025-03-30T00:59'), 'Europe/Paris').minutes).toBe(1 * 60 + 59);
    expect(localParts(at('2025-03-30T01:00'), 'Europe/Paris').minutes).toBe(3 * 60);
  });

  it('midnight is minute 0, not 24:00', () => {
    expect(localParts(at('2025-03-11T23:00'), 'Europe/Paris')).toMatchObject({ minutes: 0, date: '2025-03-12', weekday: 3 });
  });

  it('crosses the year in local time before UTC does (Auckland, Los Angeles after)', () => {
    expect(localParts(at('2024-12-31T11:00'), 'Pacific/Auckland')).toMatchObject({ year: 2025, month: 1, day: 1, weekday: 3 });
    expect(localParts(at('2025-01-01T07:59'), 'America/Los_Angeles')).toMatchObject({
      year: 2024,
      month: 12,
      day: 31,
      minutes: 23 * 60 + 59,
    });
  });
});

describe('addMonths', () => {
  it('keeps the day and time of day', () => {
    expect(addMonths(at('2024-12-15T08:45'), 2)).toBe(at('2025-02-15T08:45'));
  });

  it('clamps to the end of a shorter month', () => {
    expect(addMonths(at('2025-01-31T10:00'), 1)).toBe(at('2025-02-28T10:00'));
    expect(addMonths(at('2024-01-31T10:00'), 1)).toBe(at('2024-02-29T10:00'));
    expect(addMonths(at('2025-03-31T10:00'), -1)).toBe(at('2025-02-28T10:00'));
  });

  it('goes back across years', () => {
    expect(addMonths(at('2025-01-15T00:00'), -13)).toBe(at('2023-12-15T00:00'));
  });

  it('a Feb 29 comes back on leap years when counted from the original date', () => {
    const leap = at('2024-02-29T10:00');
    expect(addMonths(leap, 12)).toBe(at('2025-02-28T10:00'));
    expect(addMonths(leap, 48)).toBe(at('2028-02-29T10:00'));
  });
});
