import { describe, expect, it } from 'vitest';
import { dateLayout, formatCalendarDate, parseCalendarDate } from '../../../renderer/i18n/format.ts';

describe('dates in the store’s layout, not the browser’s', () => {
  it('writes a calendar date as the store does', () => {
    expect(formatCalendarDate('2026-03-14', 'de-DE')).toBe('14.03.2026');
    expect(formatCalendarDate('2026-03-14', 'en-GB')).toBe('14/03/2026');
    expect(formatCalendarDate('2026-03-14', 'en-US')).toBe('03/14/2026');
    expect(dateLayout('de-DE')).toEqual({ order: ['day', 'month', 'year'], separator: '.' });
  });

  it('reads what a person types in that layout, with or without leading zeros', () => {
    expect(parseCalendarDate('14.03.2026', 'de-DE')).toBe('2026-03-14');
    expect(parseCalendarDate(' 4.3.2026 ', 'de-DE')).toBe('2026-03-04');
    expect(parseCalendarDate('03/14/2026', 'en-US')).toBe('2026-03-14');
    expect(parseCalendarDate('14/03/2026', 'en-GB')).toBe('2026-03-14');
  });

  it('refuses what is not a whole, real date', () => {
    expect(parseCalendarDate('31.02.2026', 'de-DE')).toBeNull();
    expect(parseCalendarDate('14.03.26', 'de-DE')).toBeNull();
    expect(parseCalendarDate('14.03.', 'de-DE')).toBeNull();
    expect(parseCalendarDate('2026-03-14x', 'de-DE')).toBeNull();
    expect(parseCalendarDate('', 'de-DE')).toBeNull();
  });
});
