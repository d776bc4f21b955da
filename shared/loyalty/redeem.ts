/**
 * Spending points: as a discount on the basket, or for a reward.
 *
 * Points discount: redeem.points buy redeem.valueMinor (value floors, so a
 * point is never worth more than its rate). Allowed between minPoints and the
 * smaller of the spendable balance and the basket cap (maxBasketPercent of the
 * total), in multiples of stepPoints.
 * Rewards are not subject to the basket cap: a product reward makes one unit
 * free, a voucher reward gives no discount now and issues a code at commit.
 */
import type { ProgramConfig, Reward } from '../program.ts';
import { AppError } from '../errors.ts';
import { mulDivFloor } from './integer-math.ts';
import { formatMinor } from './money.ts';
import { tierById, tierIndex } from './tiers.ts';
import type { BasketLine, MemberState, RedemptionLimits } from './types.ts';

/** Discount value of `points`: floor(points × valueMinor / points rate). */
export function pointsToMinor(program: ProgramConfig, points: number): number {
  return mulDivFloor([points, program.redeem.valueMinor], program.redeem.points);
}

/** The most points whose value is at most `minor` (value floors, so slightly above minor × rate). */
function pointsWorthAtMost(program: ProgramConfig, minor: number): number {
  const { points, valueMinor } = program.redeem;
  // floor(p × v / r) ≤ m  ⇔  p × v < (m + 1) × r
  return Number((BigInt(minor + 1) * BigInt(points) - 1n) / BigInt(valueMinor));
}

function basketCapMinor(program: ProgramConfig, totalMinor: number): number {
  return mulDivFloor([totalMinor, program.redeem.maxBasketPercent], 100);
}

export function redemptionLimits(args: { program: ProgramConfig; member: MemberState | null; totalMinor: number }): RedemptionLimits {
  const { program, member, totalMinor } = args;
  const { minPoints, stepPoints } = program.redeem;
  const refuse = (reason: string, reasonCode?: RedemptionLimits['reasonCode']): RedemptionLimits => ({
    allowed: false,
    reason,
    ...(reasonCode === undefined ? {} : { reasonCode }),
    minPoints,
    maxPoints: 0,
    stepPoints,
    quick: [],
  });
  if (member === null) return refuse('no member');
  if (member.status === 'blocked') return refuse('member is blocked', 'MEMBER_BLOCKED');

  const toStep = (p: number): number => Math.floor(Math.max(0, p) / stepPoints) * stepPoints;
  const byBalance = toStep(member.available);
  const capMinor = basketCapMinor(program, totalMinor);
  const byBasket = toStep(pointsWorthAtMost(program, capMinor));
  const maxPoints = Math.min(byBalance, byBasket);
  if (maxPoints < minPoints) {
    return byBalance <= byBasket
      ? refuse(`needs at least ${minPoints} points, ${Math.max(0, member.available)} available`, 'INSUFFICIENT_POINTS')
      : refuse(
          `at most ${formatMinor(capMinor, program.currency)} (${program.redeem.maxBasketPercent}%) of this basket can be paid with points, less than ${minPoints} points`,
          'REDEMPTION_NOT_ALLOWED',
        );
  }
  return { allowed: true, minPoints, maxPoints, stepPoints, quick: quickAmounts(minPoints, maxPoints, stepPoints) };
}

/**
 * Up to four buttons: the minimum, two round amounts at about a third and two
 * thirds of the way, and the maximum. "Round" is the largest 1-2-5 multiple
 * of the step no larger than a third of the range, so the buttons stay apart.
 */
export function quickAmounts(min: number, max: number, step: number): number[] {
  const third = (max - min) / 3;
  let unit = step;
  for (let scale = step; scale <= third; scale *= 10) {
    for (const k of [1, 2, 5]) if (scale * k <= third) unit = scale * k;
  }
  const round = (t: number): number => Math.round(t / unit) * unit;
  const middle = [round(min + third), round(min + 2 * third)].filter((p) => p > min && p < max);
  return [...new Set([min, ...middle, max])];
}

export interface PointsRedemption {
  points: number;
  discountMinor: number;
}

/** Checks a points discount request; throws AppError with details {min, max, step}. */
export function validatePointsRedemption(args: {
  program: ProgramConfig;
  member: MemberState | null;
  totalMinor: number;
  points: number;
}): PointsRedemption {
  const { program, member, totalMinor, points } = args;
  const limits = redemptionLimits({ program, member, totalMinor });
  const details = { min: limits.minPoints, max: limits.maxPoints, step: limits.stepPoints };
  if (member === null) throw new AppError('REDEMPTION_NOT_ALLOWED', 'a member is needed to redeem points', details);
  if (member.status === 'blocked') throw new AppError('MEMBER_BLOCKED', 'this member is blocked', details);
  if (!Number.isSafeInteger(points)) throw new AppError('VALIDATION', 'points must be a whole number', details);
  if (points < limits.minPoints)
    throw new AppError('REDEMPTION_NOT_ALLOWED', `at least ${limits.minPoints} points must be redeemed`, details);
  if (points % limits.stepPoints !== 0) {
    throw new AppError('REDEMPTION_NOT_ALLOWED', `points are redeemed in steps of ${limits.stepPoints}`, details);
  }
  if (points > member.available) {
    throw new AppError('INSUFFICIENT_POINTS', `only ${Math.max(0, member.available)} points available`, {
      ...details,
      available: member.available,
    });
  }
  const discountMinor = pointsToMinor(program, points);
  const capMinor = basketCapMinor(program, totalMinor);
  if (discountMinor > capMinor) {
    throw new AppError(
      'REDEMPTION_NOT_ALLOWED',
      `at most ${formatMinor(capMinor, program.currency)} of this basket can be paid with points`,
      { ...details, capMinor },
    );
  }
  return { points, discountMinor };
}

export interface RewardRedemption {
  reward: Reward;
  /** One unit price for a product reward, 0 for a voucher. */
  discountMinor: number;
  /** The line the product reward makes free, null for a voucher. */
  lineNo: number | null;
  issuesVoucher: boolean;
}

/** Checks a reward request; throws AppError. */
export function validateReward(args: {
  program: ProgramConfig;
  member: MemberState | null;
  rewardId: string;
  lines: readonly BasketLine[];
}): RewardRedemption {
  const { program, member, rewardId, lines } = args;
  // A reward withdrawn from the programme is a state the cashier sees, not malformed input.
  const reward = program.rewards.find((r) => r.id === rewardId);
  if (reward === undefined) throw new AppError('REDEMPTION_NOT_ALLOWED', `reward ${rewardId} is not offered`, { rewardId });
  if (member === null) throw new AppError('REDEMPTION_NOT_ALLOWED', 'a member is needed to redeem a reward', { rewardId });
  if (member.status === 'blocked') throw new AppError('MEMBER_BLOCKED', 'this member is blocked', { rewardId });
  if (member.available < reward.points) {
    throw new AppError('INSUFFICIENT_POINTS', `${reward.label} needs ${reward.points} points, ${Math.max(0, member.available)} available`, {
      rewardId,
      points: reward.points,
      available: member.available,
    });
  }
  if (reward.minTier !== undefined && tierIndex(program, member.tier) < tierIndex(program, reward.minTier)) {
    const label = tierById(program, reward.minTier)?.label ?? reward.minTier;
    throw new AppError('REDEMPTION_NOT_ALLOWED', `${reward.label} needs ${label} tier or higher`, { rewardId, minTier: reward.minTier });
  }
  if (reward.kind === 'voucher') return { reward, discountMinor: 0, lineNo: null, issuesVoucher: true };
  const line = lines.find((l) => l.sku === reward.sku && l.quantity >= 1);
  if (line === undefined) {
    throw new AppError('REDEMPTION_NOT_ALLOWED', `${reward.label}: scan the product first`, { rewardId, sku: reward.sku });
  }
  return { reward, discountMinor: line.unitPriceMinor, lineNo: line.lineNo, issuesVoucher: false };
}
