/**
 * Point lots: each credit of points is a lot that expires (expiry.ts).
 * Spending takes from the lot that expires first, so the points closest to
 * expiry are used before they are lost.
 */
import type { PointLot } from './types.ts';

export interface LotConsumption {
  takes: { lotId: number; points: number }[];
  /** Points the lots could not cover (the caller records a debt or refuses). */
  shortfall: number;
}

/**
 * Take `points` from live lots (the caller passes only unexpired ones), the
 * earliest expiresAt first, ties by lot id; never more than a lot's remaining.
 */
export function consumeLots(lots: readonly PointLot[], points: number): LotConsumption {
  if (!Number.isSafeInteger(points) || points < 0) throw new RangeError(`consumeLots: bad points ${points}`);
  const ordered = lots.filter((l) => l.remaining > 0).sort((a, b) => a.expiresAt - b.expiresAt || a.id - b.id);
  const takes: LotConsumption['takes'] = [];
  let left = points;
  for (const lot of ordered) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    takes.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return { takes, shortfall: left };
}

/**
 * New points first pay off a recorded debt (points owed, as a positive number,
 * e.g. from a refund of points already spent); the rest becomes a new lot.
 */
export function creditPoints(debt: number, points: number): { debtPaid: number; lotPoints: number } {
  const debtPaid = Math.min(Math.max(0, debt), Math.max(0, points));
  return { debtPaid, lotPoints: Math.max(0, points) - debtPaid };
}
