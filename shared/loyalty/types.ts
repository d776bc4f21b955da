/**
 * Inputs and outputs of the pure loyalty engine. Nothing here reads a clock,
 * a database or the network: callers pass `now` (ms since epoch) and state.
 */

/** One line of the basket, already priced from the catalogue or keyed by the cashier. */
export interface BasketLine {
  lineNo: number;
  sku: string | null;
  category: string;
  quantity: number;
  unitPriceMinor: number;
  /** quantity * unitPriceMinor */
  amountMinor: number;
}

/** Why points were given or taken: one line per rule, shown to the cashier. */
export interface Explanation {
  rule: string; // stable id: 'base', 'rule:tobacco', 'promo:saturday', 'tier:gold', 'bonus:birthday', ...
  label: string; // human words, e.g. "Double points Saturday"
  points: number; // signed
  detail?: string; // e.g. "on 12.50 of 30.00"
  /**
   * The figures behind label and detail (money in minor units of the programme's currency), so the
   * screens can word them in their language: e.g. base { points: 1, perMinor: 100, eligibleMinor: 1234 }.
   */
  params?: Record<string, number | string>;
}

export interface PointLot {
  id: number;
  remaining: number;
  earnedAt: number;
  expiresAt: number;
}

/** What the engine needs to know about a member to price a sale. */
export interface MemberState {
  id: string;
  status: 'active' | 'blocked';
  tier: string;
  /** Month and day of birth, 'MM-DD' (a till holds no birth year for members outside its store's scope). */
  birthday: string | null;
  enrolledAt: number;
  referredBy: string | null;
  /** Store-local year in which the birthday bonus was last given. */
  birthdayBonusYear: number | null;
  /** Completed purchases before this one, ever (0 = this is the first). */
  purchaseCount: number;
  /** Times of completed purchases inside the nth-purchase window and after the last nth bonus. */
  recentPurchaseTimes: number[];
  balance: number; // ledger sum, may be negative (recorded debt)
  /** Points that can be spent now: unexpired lot remainders net of debt. */
  available: number;
}

export type RedemptionRequest = { kind: 'points'; points: number } | { kind: 'reward'; rewardId: string };

export interface RedemptionLimits {
  allowed: boolean;
  /** Why redemption is not possible now, when it is not. */
  reason?: string;
  reasonCode?: 'MEMBER_BLOCKED' | 'INSUFFICIENT_POINTS' | 'REDEMPTION_NOT_ALLOWED';
  minPoints: number;
  maxPoints: number;
  stepPoints: number;
  /** Suggested quick-button amounts (ascending, each valid). */
  quick: number[];
}

export interface PricedLine extends BasketLine {
  discountMinor: number;
  paidMinor: number;
  /** Earn points attributed to this line (sums to the sale's earn points). */
  earnPoints: number;
  /** Points spent attributed to this line (restored on refund). */
  redeemedPoints: number;
}

export interface BonusAward {
  kind: 'birthday' | 'nth_purchase' | 'referral_referee' | 'referral_referrer';
  memberId: string;
  points: number;
  explanation: Explanation;
}

export interface SaleQuote {
  programVersion: number;
  totalMinor: number;
  discountMinor: number;
  payableMinor: number;
  lines: PricedLine[];
  earnPoints: number;
  earnExplanation: Explanation[];
  bonuses: BonusAward[];
  redemption: {
    kind: 'points' | 'reward';
    points: number;
    discountMinor: number;
    rewardId: string | null;
    /** A voucher reward issues a code at commit. */
    issuesVoucher: boolean;
    explanation: Explanation;
  } | null;
  limits: RedemptionLimits;
  /** Member balance after commit (for the receipt), or null without a member. */
  balanceAfter: number | null;
  /** New tier after this sale when it upgrades the member. */
  tierAfter: string | null;
}
