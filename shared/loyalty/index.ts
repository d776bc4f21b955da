/** The pure loyalty engine's public surface. */
export type * from './types.ts';
export { allocate } from './allocate.ts';
export { addMonths, localParts, type LocalParts } from './local-time.ts';
export { eligibleMinor, isExcluded, isQualifyingSale, ruleForLine, type EarnLine } from './earn-rules.ts';
export { computeEarn, type EarnResult } from './earn.ts';
export { activePromotions, isPromotionActive } from './promotions.ts';
export {
  evaluateTier,
  latestAnniversary,
  qualifyingWindowStart,
  tierById,
  tierForPoints,
  tierIndex,
  type TierEvaluation,
} from './tiers.ts';
export { birthdayBonus, enrolmentBonus, nthPurchaseBonus, referralBonuses, saleBonuses } from './bonuses.ts';
export {
  pointsToMinor,
  redemptionLimits,
  validatePointsRedemption,
  validateReward,
  type PointsRedemption,
  type RewardRedemption,
} from './redeem.ts';
export { consumeLots, creditPoints, type LotConsumption } from './lots.ts';
export { dueForExpiry, duePoints, expiringWithin, isDue, lotExpiry, type ExpiringLot } from './expiry.ts';
export {
  applyRefundPolicy,
  earnExpired,
  earnToTakeBack,
  refundPoints,
  type EarnedPortion,
  type EarnTakeBack,
  type PolicyRefund,
  type PolicyRefundedLine,
  type RefundableLine,
  type RefundedLine,
  type RefundResult,
} from './refund.ts';
export { priceSale } from './sale.ts';
export { formatMinor } from './money.ts';
