/**
 * Which members' qualifying points a batch must sum from the ledger. The sum
 * runs over a rolling window, so it scans the member's ledger (a frequent
 * shopper has hundreds of rows). members.qualifying_bound holds an upper
 * bound instead, and the tier can only move at the end of the batch when:
 * the bound is unknown, an anniversary review is due (a downgrade needs the
 * true figure), or the bound plus the batch's gain reaches the next threshold.
 * Pure: no I/O.
 */
import { dueReview, tierIndex } from '../../shared/loyalty/tiers.ts';
import type { ProgramConfig } from '../../shared/program.ts';
import type { SyncEvent } from '../../shared/sync-protocol.ts';
import type { MemberRow } from '../store/member-rows.ts';

/** Whether an event's entries count towards the tier: judged at the event's time, never after now. */
export function countsForTier(event: SyncEvent, now: number, windowStart: number): boolean {
  return Math.min(event.createdAt, now) >= windowStart;
}

/** Net in-window qualifying points the batch adds, per member. */
export function qualifyingGains(events: readonly SyncEvent[], now: number, windowStart: number): Map<string, number> {
  const gains = new Map<string, number>();
  for (const e of events) {
    if (!countsForTier(e, now, windowStart)) continue;
    for (const entry of e.payload.ledger) gains.set(entry.memberId, (gains.get(entry.memberId) ?? 0) + entry.qualifying);
  }
  return gains;
}

export function needsExactQualifying(row: MemberRow, gain: number, program: ProgramConfig | null, now: number): boolean {
  if (row.qualifying_bound === null) return true;
  if (program === null) return false;
  if (dueReview(row.enrolled_at, row.tier_reviewed_at, now) !== null) return true;
  const next = program.tiers.levels[tierIndex(program, row.tier) + 1];
  return next !== undefined && row.qualifying_bound + gain >= next.threshold;
}
