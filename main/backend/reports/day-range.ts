import { localParts } from '../../../shared/loyalty/local-time.ts';

/** [start, end) in ms of a store-local calendar day, correct across DST changes. */
export function localDayRange(date: string, timeZone: string): { start: number; end: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { start: localMidnight(y, m, d, timeZone), end: localMidnight(y, m, d + 1, timeZone) };
}

function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const target = Date.UTC(year, month - 1, day);
  let guess = target;
  // Two corrections settle the zone offset, including on the day it changes.
  for (let i = 0; i < 3; i++) {
    const p = localParts(guess, timeZone);
    const shownAsUtc = Date.UTC(p.year, p.month - 1, p.day) + p.minutes * 60_000;
    guess += target - shownAsUtc;
  }
  return guess;
}
