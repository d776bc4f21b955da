import type { ProgramConfig } from '../../../shared/program.ts';
import { AppError } from '../../../shared/errors.ts';
import { evaluateTier, qualifyingWindowStart } from '../../../shared/loyalty/tiers.ts';
import type { MemberState } from '../../../shared/loyalty/types.ts';
import type { ReadableDb } from '../store/connection.ts';
import { pointsNow } from '../store/expiry.ts';
import { memberById, type MemberRow } from '../store/members.ts';
import { qualifyingPoints } from '../store/points.ts';
import { purchaseCount, purchaseTimesSince } from '../store/sales.ts';

const DAY_MS = 86_400_000;

/** Loads what the engine needs to price a sale for a member, with the tier as of `now`. */
export interface LoadedMember {
  row: MemberRow;
  state: MemberState;
  tierReviewedAt: number | null;
  /** Qualifying points in the rolling tier window before this sale. */
  qualifying: number;
}

export function loadMemberState(db: ReadableDb, memberId: string, program: ProgramConfig, now: number): LoadedMember {
  const row = memberById(db, memberId);
  if (!row) throw new AppError('NOT_FOUND', 'This member is not known on this terminal.', { memberId });
  const points = pointsNow(db, row, now);
  const nth = program.bonuses.nthPurchase;
  const since = Math.max(row.last_nth_bonus_at ?? 0, nth ? now - nth.withinDays * DAY_MS : now);
  // A downgrade due at the anniversary applies before this sale is priced.
  const qualifying = qualifyingPoints(db, memberId, qualifyingWindowStart(now, program));
  const tier = evaluateTier({
    program,
    currentTier: row.tier,
    qualifying,
    enrolledAt: row.enrolled_at,
    lastReviewAt: row.tier_reviewed_at,
    now,
  });
  return {
    row,
    qualifying,
    tierReviewedAt: tier.reviewedAt,
    state: {
      id: row.id,
      status: row.status,
      tier: tier.tier,
      birthday: row.birthday,
      enrolledAt: row.enrolled_at,
      referredBy: row.referred_by,
      birthdayBonusYear: row.birthday_bonus_year,
      // The server's count covers every till's purchases it holds; this till's own not yet pushed are only in its own count.
      purchaseCount: Math.max(purchaseCount(db, memberId), row.server_purchases),
      recentPurchaseTimes: nth ? recentPurchases(row, purchaseTimesSince(db, memberId, since), since) : [],
      // A commit expires due lots first; a preview prices on the same points without writing.
      balance: points.balance,
      available: points.available,
    },
  };
}

/**
 * The member's purchases after `since`, ascending: this till's own and those the server sent
 * (every till's, as of the last pull). A sale of this till the server already counted is in
 * both at the same time: counted once.
 */
function recentPurchases(row: MemberRow, local: readonly number[], since: number): number[] {
  if (row.server_recent === null) return [...local];
  const times = new Set(local);
  for (const t of JSON.parse(row.server_recent) as unknown[]) if (typeof t === 'number' && t > since) times.add(t);
  return [...times].sort((a, b) => a - b);
}
