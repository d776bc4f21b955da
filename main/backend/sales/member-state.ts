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
      purchaseCount: purchaseCount(db, memberId),
      recentPurchaseTimes: nth ? purchaseTimesSince(db, memberId, since) : [],
      // A commit expires due lots first; a preview prices on the same points without writing.
      balance: points.balance,
      available: points.available,
    },
  };
}
