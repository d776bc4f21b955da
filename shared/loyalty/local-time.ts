/**
 * Store-local calendar parts of an instant, and calendar-month arithmetic.
 * Promotions, birthdays and days are judged in the store's zone, not UTC.
 */

export interface LocalParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight (0–1439). */
  minutes: number;
  /** 'YYYY-MM-DD' */
  date: string;
}

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(now: number, timeZone: string): LocalParts {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(now)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'hour')
      hour = Number(part.value) % 24; // some ICU versions say "24" at midnight
    else if (part.type === 'minute') minute = Number(part.value);
  }
  // The weekday follows from the local date; no locale-dependent weekday names to parse.
  const utcDay = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { year, month, day, weekday: utcDay === 0 ? 7 : utcDay, minutes: hour * 60 + minute, date };
}

/**
 * `months` UTC calendar months after `ms` (negative goes back), same time of
 * day, the day clamped to the target month's end: Jan 31 + 1 → Feb 28 (or 29).
 * Always computed from the original instant, so Feb 29 + 48 months is Feb 29 again.
 */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const timeOfDay = ms - Date.UTC(year, month, day);
  const target = month + months;
  const targetYear = year + Math.floor(target / 12);
  const targetMonth = ((target % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return Date.UTC(targetYear, targetMonth, Math.min(day, lastDay)) + timeOfDay;
}
