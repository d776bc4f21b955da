/**
 * Prices a sale for a preview or a commit: discount, points earned and spent,
 * bonuses, the member's balance after. Pure: the store persists the result.
 *
 * Order: validate the basket → redemption limits → validate the requested
 * redemption (throws AppError) → spread its discount over lines → earn on the
 * amounts actually paid → bonuses (active member, qualifying sale).
 * Tiers are evaluated by the store with qualifying points, so tierAfter is null.
 */
import type { ProgramConfig } from '../program.ts';
import { AppError } from '../errors.ts';
import { allocate } from './allocate.ts';
import { saleBonuses } from './bonuses.ts';
import { isQualifyingSale } from './earn-rules.ts';
import { computeEarn, type EarnResult } from './earn.ts';
import { sum } from './integer-math.ts';
import { formatMinor } from './money.ts';
import { pointsToMinor, redemptionLimits, validatePointsRedemption, validateReward } from './redeem.ts';
import type { BasketLine, Explanation, MemberState, PricedLine, RedemptionRequest, SaleQuote } from './types.ts';

export function priceSale(args: {
  program: ProgramConfig;
  now: number;
  lines: BasketLine[];
  member: MemberState | null;
  redemption: RedemptionRequest | null;
}): SaleQuote {
  const { program, now, lines, member } = args;
  validateBasket(lines);
  const amounts = lines.map((l) => l.amountMinor);
  const totalMinor = sum(amounts);
  const limits = redemptionLimits({ program, member, totalMinor });

  const redemption = priceRedemption(args, totalMinor);
  const paidLines = lines.map((l, i) => ({ ...l, paidMinor: l.amountMinor - redemption.lineDiscounts[i]! }));

  const earned = earnFor(program, now, paidLines, member);
  const bonuses = saleBonuses({ program, member, now, qualifying: isQualifyingSale(program, paidLines) });
  const redeemedPoints = redemption.quote?.points ?? 0;
  const ownBonus = sum(bonuses.filter((b) => b.memberId === member?.id).map((b) => b.points));

  const priced: PricedLine[] = paidLines.map((l, i) => ({
    ...l,
    discountMinor: redemption.lineDiscounts[i]!,
    earnPoints: earned.linePoints.get(l.lineNo) ?? 0,
    redeemedPoints: redemption.linePoints[i]!,
  }));
  const discountMinor = redemption.quote?.discountMinor ?? 0;
  return {
    programVersion: program.version,
    totalMinor,
    discountMinor,
    payableMinor: totalMinor - discountMinor,
    lines: priced,
    earnPoints: earned.points,
    earnExplanation: earned.explanation,
    bonuses,
    redemption: redemption.quote,
    limits,
    balanceAfter: member === null ? null : member.balance - redeemedPoints + earned.points + ownBonus,
    tierAfter: null,
  };
}

interface PricedRedemption {
  quote: SaleQuote['redemption'];
  /** Per basket line, in basket order. */
  lineDiscounts: number[];
  linePoints: number[];
}

function priceRedemption(
  args: { program: ProgramConfig; lines: BasketLine[]; member: MemberState | null; redemption: RedemptionRequest | null },
  totalMinor: number,
): PricedRedemption {
  const { program, lines, member, redemption } = args;
  const none = lines.map(() => 0);
  const money = (minor: number): string => formatMinor(minor, program.currency);
  if (redemption === null) return { quote: null, lineDiscounts: none, linePoints: none };

  if (redemption.kind === 'points') {
    const { points, discountMinor } = validatePointsRedemption({ program, member, totalMinor, points: redemption.points });
    const amounts = lines.map((l) => l.amountMinor);
    const lineDiscounts = allocate(discountMinor, amounts);
    // Points follow the discount, so a refund restores what each line actually cost in points.
    const linePoints = allocate(points, lineDiscounts.some((d) => d > 0) ? lineDiscounts : amounts);
    const explanation: Explanation = {
      rule: 'redeem:points',
      label: 'Points redeemed',
      points: -points,
      detail: `discount ${money(discountMinor)}`,
      params: { discountMinor },
    };
    return {
      quote: { kind: 'points', points, discountMinor, rewardId: null, issuesVoucher: false, explanation },
      lineDiscounts,
      linePoints,
    };
  }

  const r = validateReward({ program, member, rewardId: redemption.rewardId, lines });
  const onLine = (value: number): number[] => lines.map((l) => (l.lineNo === r.lineNo ? value : 0));
  const explanation: Explanation = {
    rule: `reward:${r.reward.id}`,
    label: r.reward.label,
    points: -r.reward.points,
    detail: r.issuesVoucher ? 'voucher issued at payment' : `1 unit free, discount ${money(r.discountMinor)} (line ${r.lineNo})`,
    // A voucher takes nothing off today; it is worth what its points would take off (as on the receipt).
    params: r.issuesVoucher
      ? { voucher: 1, valueMinor: pointsToMinor(program, r.reward.points) }
      : { discountMinor: r.discountMinor, ...(r.lineNo !== null && { lineNo: r.lineNo }) },
  };
  return {
    quote: {
      kind: 'reward',
      points: r.reward.points,
      discountMinor: r.discountMinor,
      rewardId: r.reward.id,
      issuesVoucher: r.issuesVoucher,
      explanation,
    },
    lineDiscounts: onLine(r.discountMinor),
    // A voucher is not bought with any line, so no line carries its points.
    linePoints: onLine(r.reward.points),
  };
}

function earnFor(
  program: ProgramConfig,
  now: number,
  lines: (BasketLine & { paidMinor: number })[],
  member: MemberState | null,
): EarnResult {
  const noPoints = (rule: string, label: string): EarnResult => ({
    points: 0,
    explanation: [{ rule, label, points: 0 }],
    linePoints: new Map(lines.map((l) => [l.lineNo, 0])),
  });
  if (member === null) return noPoints('no-member', 'No member: no points');
  if (member.status === 'blocked') return noPoints('member-blocked', 'Member blocked: no points');
  return computeEarn({ program, now, lines, tier: member.tier });
}

function validateBasket(lines: readonly BasketLine[]): void {
  if (lines.length === 0) throw new AppError('VALIDATION', 'the basket is empty');
  const seen = new Set<number>();
  for (const l of lines) {
    const bad = (message: string): AppError => new AppError('VALIDATION', `line ${l.lineNo}: ${message}`, { lineNo: l.lineNo });
    if (!Number.isSafeInteger(l.lineNo)) throw bad('line number must be an integer');
    if (seen.has(l.lineNo)) throw bad('line number appears twice');
    seen.add(l.lineNo);
    if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0) throw bad('quantity must be a positive whole number');
    if (!Number.isSafeInteger(l.unitPriceMinor) || l.unitPriceMinor < 0) throw bad('unit price must be a non-negative integer');
    if (!Number.isSafeInteger(l.amountMinor) || l.amountMinor < 0) throw bad('amount must be a non-negative integer');
    if (l.amountMinor !== l.quantity * l.unitPriceMinor) throw bad('amount must equal quantity × unit price');
  }
}
