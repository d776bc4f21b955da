import { describe, expect, it } from 'vitest';
import { computeEarn } from '../../../shared/loyalty/earn.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';
import { activePromotions, isPromotionActive } from '../../../shared/loyalty/promotions.ts';
import { demoProgram, programWith } from '../../fixtures/program.ts';
import { at, paid } from './builders.ts';

const active = (now: number, program = demoProgram) => activePromotions(program, now).map((p) => p.id);

/** Points for 20.00 of groceries at `now`: 20 normally, 40 with double points. */
const pointsFor20 = (now: number, program = demoProgram) =>
  computeEarn({ program, now, lines: [paid(1, 'grocery', 2000)], tier: 'bronze' }).points;

describe('Saturday double points, judged in the store zone (Paris)', () => {
  it('Saturday 23:30 in Paris (22:30 UTC) earns double', () => {
    expect(active(at('2025-03-29T22:30'))).toEqual(['saturday']);
    expect(pointsFor20(at('2025-03-29T22:30'))).toBe(40);
  });

  it('Sunday 00:30 in Paris is still Saturday 23:30 in UTC, and does not earn double', () => {
    expect(active(at('2025-03-29T23:30'))).toEqual([]);
    expect(pointsFor20(at('2025-03-29T23:30'))).toBe(20);
  });

  it('Saturday 00:30 in Paris is Friday 23:30 in UTC, and earns double', () => {
    expect(pointsFor20(at('2025-03-28T23:30'))).toBe(40);
  });

  it('on the autumn DST weekend the Paris offset is +2 until Sunday 03:00', () => {
    // Sat 25 Oct 2025 23:30 CEST = 21:30 UTC: double. 22:30 UTC is already Sunday 00:30 in Paris.
    expect(pointsFor20(at('2025-10-25T21:30'))).toBe(40);
    expect(pointsFor20(at('2025-10-25T22:30'))).toBe(20);
  });
});

describe('other store zones', () => {
  const auckland = programWith({ timeZone: 'Pacific/Auckland' });
  const losAngeles = programWith({ timeZone: 'America/Los_Angeles' });

  it('Auckland (UTC+12 in June): Friday 12:30 UTC is Saturday 00:30 there → double', () => {
    expect(pointsFor20(at('2025-06-13T12:30'), auckland)).toBe(40);
    expect(pointsFor20(at('2025-06-13T11:30'), auckland)).toBe(20); // Friday 23:30 local
    expect(pointsFor20(at('2025-06-14T12:30'), auckland)).toBe(20); // a UTC Saturday, Sunday 00:30 local
  });

  it('Los Angeles (UTC−7 in June): Saturday 23:30 there is Sunday 06:30 UTC → double', () => {
    expect(pointsFor20(at('2025-06-15T06:30'), losAngeles)).toBe(40);
    expect(pointsFor20(at('2025-06-15T07:30'), losAngeles)).toBe(20); // Sunday 00:30 local
  });
});

describe('date window (inclusive) and time-of-day window [start, end)', () => {
  // Spring fair: 17–19 March 2025, 09:00–18:00 Paris (UTC+1 then).
  it('opens at 09:00 local on the first day', () => {
    expect(active(at('2025-03-17T07:59'))).toEqual([]); // 08:59
    expect(active(at('2025-03-17T08:00'))).toEqual(['spring-fair']); // 09:00
  });

  it('runs until 17:59 local on the last day and stops at 18:00', () => {
    expect(active(at('2025-03-19T16:59'))).toEqual(['spring-fair']); // 17:59
    expect(active(at('2025-03-19T17:00'))).toEqual([]); // 18:00
  });

  it('is off the day before and the day after, whatever the hour', () => {
    expect(active(at('2025-03-16T10:00'))).toEqual([]);
    expect(active(at('2025-03-20T10:00'))).toEqual([]);
  });

  it('gives its 50 bonus points once per sale', () => {
    const r = computeEarn({
      program: demoProgram,
      now: at('2025-03-18T12:00'),
      lines: [paid(1, 'grocery', 1000), paid(2, 'bakery', 1000)],
      tier: 'bronze',
    });
    expect(r.points).toBe(20 + 50);
  });
});

describe('time windows on the spring DST day (Sunday 30 March 2025)', () => {
  const sundayMorning = programWith({
    earn: {
      promotions: [{ id: 'sunday-am', label: 'Sunday morning', weekdays: [7], startTime: '09:00', endTime: '12:00', multiplier: 2 }],
    },
  });

  it('09:00 local is 07:00 UTC after the change, 08:00 UTC the week before', () => {
    expect(active(at('2025-03-30T06:59'), sundayMorning)).toEqual([]); // 08:59 CEST
    expect(active(at('2025-03-30T07:00'), sundayMorning)).toEqual(['sunday-am']); // 09:00 CEST
    expect(active(at('2025-03-23T07:00'), sundayMorning)).toEqual([]); // 08:00 CET
    expect(active(at('2025-03-23T08:00'), sundayMorning)).toEqual(['sunday-am']); // 09:00 CET
  });
});

describe('isPromotionActive edge cases', () => {
  const parts = (iso: string) => localParts(at(iso), 'UTC');
  const base = { id: 'p', label: 'P', multiplier: 2 };

  it('an end before the start wraps past midnight', () => {
    const late = { ...base, startTime: '22:00', endTime: '02:00' };
    expect(isPromotionActive(late, parts('2025-03-12T21:59'))).toBe(false);
    expect(isPromotionActive(late, parts('2025-03-12T22:00'))).toBe(true);
    expect(isPromotionActive(late, parts('2025-03-13T01:59'))).toBe(true);
    expect(isPromotionActive(late, parts('2025-03-13T02:00'))).toBe(false);
  });

  it('only a start, or only an end', () => {
    expect(isPromotionActive({ ...base, startTime: '17:00' }, parts('2025-03-12T16:59'))).toBe(false);
    expect(isPromotionActive({ ...base, startTime: '17:00' }, parts('2025-03-12T23:59'))).toBe(true);
    expect(isPromotionActive({ ...base, endTime: '10:00' }, parts('2025-03-12T00:00'))).toBe(true);
    expect(isPromotionActive({ ...base, endTime: '10:00' }, parts('2025-03-12T10:00'))).toBe(false);
  });

  it('a single-day window', () => {
    const oneDay = { ...base, fromDate: '2025-03-12', toDate: '2025-03-12' };
    expect(isPromotionActive(oneDay, parts('2025-03-12T00:00'))).toBe(true);
    expect(isPromotionActive(oneDay, parts('2025-03-12T23:59'))).toBe(true);
    expect(isPromotionActive(oneDay, parts('2025-03-13T00:00'))).toBe(false);
  });
});
