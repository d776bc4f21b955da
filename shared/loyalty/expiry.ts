/**
 * Points expiry, the rule both sides apply: a lot expires expiry.months after
 * it was earned, and from that instant on (expiresAt ≤ now) its points are due:
 * neither spendable nor in the balance, whether or not an 'expire' entry has
 * been written yet. The terminal applies it in main/backend/store/expiry.ts,
 * the server in server/apply/expiry.ts.
 */
import type { ProgramConfig } from '../program.ts';
import { addMonths } from './local-time.ts';

/** What expiry needs of a lot. The server's lots may never expire (null). */
export interface ExpiringLot {
  remaining: number;
  expiresAt: number | null;
}

export function lotExpiry(earnedAt: number, program: ProgramConfig): number {
  return addMonths(earnedAt, program.expiry.months);
}

/** Whether the lot still holds points that have expired by `now` (at its expiry instant, not a millisecond before). */
export function isDue(lot: ExpiringLot, now: number): boolean {
  return lot.remaining > 0 && lot.expiresAt !== null && lot.expiresAt <= now;
}

/** Lots that have expired by `now` and still hold points, in the caller's order. */
export function dueForExpiry<L extends ExpiringLot>(lots: readonly L[], now: number): L[] {
  return lots.filter((l) => isDue(l, now));
}

/** Points in lots due at `now`: what leaves the balance when they are expired. */
export function duePoints(lots: readonly ExpiringLot[], now: number): number {
  let points = 0;
  for (const l of lots) if (isDue(l, now)) points += l.remaining;
  return points;
}

/** Points that will expire after `now` and at most `days` days from it. */
export function expiringWithin(lots: readonly ExpiringLot[], now: number, days: number): number {
  const until = now + days * 86_400_000;
  let points = 0;
  for (const l of lots) if (l.remaining > 0 && l.expiresAt !== null && l.expiresAt > now && l.expiresAt <= until) points += l.remaining;
  return points;
}
