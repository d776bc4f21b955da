/**
 * Promotions active at an instant, judged in the store's local time:
 * - weekdays: the local ISO weekday is listed (absent = every day);
 * - fromDate/toDate: inclusive local dates;
 * - startTime/endTime: local time of day in [start, end). An end before the
 *   start wraps past midnight (22:00–02:00); start equal to end is never active.
 *   The weekday and date checks apply to the local date at that instant.
 */
import type { ProgramConfig, Promotion } from '../program.ts';
import { localParts, type LocalParts } from './local-time.ts';

export function activePromotions(program: ProgramConfig, now: number): Promotion[] {
  const local = localParts(now, program.timeZone);
  return program.earn.promotions.filter((p) => isPromotionActive(p, local));
}

export function isPromotionActive(promo: Promotion, local: LocalParts): boolean {
  if (promo.weekdays !== undefined && !promo.weekdays.includes(local.weekday)) return false;
  if (promo.fromDate !== undefined && local.date < promo.fromDate) return false; // YYYY-MM-DD sorts as text
  if (promo.toDate !== undefined && local.date > promo.toDate) return false;
  const start = promo.startTime === undefined ? undefined : clockMinutes(promo.startTime);
  const end = promo.endTime === undefined ? undefined : clockMinutes(promo.endTime);
  const t = local.minutes;
  if (start !== undefined && end !== undefined) {
    return start <= end ? start <= t && t < end : t >= start || t < end;
  }
  if (start !== undefined && t < start) return false;
  if (end !== undefined && t >= end) return false;
  return true;
}

/** 'HH:MM' → minutes since midnight (the schema guarantees the shape). */
function clockMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
