/**
 * Tier levels. Qualifying points are counted over a rolling window of
 * tiers.windowMonths. Upgrades apply at once; downgrades wait for the yearly
 * anniversary of enrolment, so a member keeps a tier for at least the year
 * it was earned in. A tier id the programme no longer has counts as the lowest.
 */
import type { ProgramConfig, Tier } from '../program.ts';
import { addMonths } from './local-time.ts';

export function tierById(program: ProgramConfig, id: string): Tier | undefined {
  return program.tiers.levels.find((t) => t.id === id);
}

/** Position in the ladder, 0 = lowest; an unknown id counts as the lowest. */
export function tierIndex(program: ProgramConfig, id: string): number {
  return Math.max(
    0,
    program.tiers.levels.findIndex((t) => t.id === id),
  );
}

/** The highest level whose threshold is at most `qualifying`. */
export function tierForPoints(program: ProgramConfig, qualifying: number): Tier {
  const levels = program.tiers.levels;
  let tier = levels[0]!; // the schema requires at least one level, starting at 0
  for (const level of levels) if (level.threshold <= qualifying) tier = level;
  return tier;
}

/** Earliest instant whose points still count towards the tier at `now`. */
export function qualifyingWindowStart(now: number, program: ProgramConfig): number {
  return addMonths(now, -program.tiers.windowMonths);
}

/** The latest yearly anniversary of enrolment at or before `now`, or null in the first year. */
export function latestAnniversary(enrolledAt: number, now: number): number | null {
  let years = new Date(now).getUTCFullYear() - new Date(enrolledAt).getUTCFullYear();
  // Each anniversary is computed from enrolledAt itself so a Feb 29 enrolment returns to the 29th.
  while (years >= 1 && addMonths(enrolledAt, 12 * years) > now) years--;
  return years >= 1 ? addMonths(enrolledAt, 12 * years) : null;
}

/** The anniversary whose review is due at `now` (not reviewed yet), or null. */
export function dueReview(enrolledAt: number, lastReviewAt: number | null, now: number): number | null {
  const anniversary = latestAnniversary(enrolledAt, now);
  return anniversary !== null && anniversary > Math.max(lastReviewAt ?? enrolledAt, enrolledAt) ? anniversary : null;
}

export interface TierEvaluation {
  tier: string;
  /** The anniversary just reviewed, or the lastReviewAt given when no review was due. */
  reviewedAt: number | null;
  change: 'upgrade' | 'downgrade' | 'none';
}

/**
 * The member's tier now. `tier` is always an id of the programme (an unknown
 * current tier comes back as the lowest); store it whenever it differs.
 */
export function evaluateTier(args: {
  program: ProgramConfig;
  currentTier: string;
  qualifying: number;
  enrolledAt: number;
  lastReviewAt: number | null;
  now: number;
}): TierEvaluation {
  const { program, qualifying, enrolledAt, lastReviewAt, now } = args;
  const currentIndex = tierIndex(program, args.currentTier);
  const current = program.tiers.levels[currentIndex]!;
  const earned = tierForPoints(program, qualifying);
  const earnedIndex = tierIndex(program, earned.id);
  const change = (to: number): TierEvaluation['change'] => (to > currentIndex ? 'upgrade' : to < currentIndex ? 'downgrade' : 'none');

  const anniversary = dueReview(enrolledAt, lastReviewAt, now);
  if (anniversary !== null) {
    return { tier: earned.id, reviewedAt: anniversary, change: change(earnedIndex) };
  }
  if (earnedIndex > currentIndex) return { tier: earned.id, reviewedAt: lastReviewAt, change: 'upgrade' };
  return { tier: current.id, reviewedAt: lastReviewAt, change: 'none' };
}
