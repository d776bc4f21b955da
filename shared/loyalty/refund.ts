/**
 * Points and money reversed by a (partial) refund, per line.
 *
 * Cumulative floor: after r of q units are refunded, floor(x × r / q) of a
 * line's amount x has been reversed in total. Each refund reverses the
 * difference between the new and the old cumulative figure, so repeated
 * partial refunds never reverse more than the line had, and refunding the
 * last unit reverses exactly what is left.
 */
import { AppError } from '../errors.ts';
import { mulDivFloor } from './integer-math.ts';

export interface RefundableLine {
  lineNo: number;
  quantity: number;
  refundedQuantity: number;
  earnPoints: number;
  redeemedPoints: number;
  paidMinor: number;
}

export interface RefundedLine {
  lineNo: number;
  quantity: number;
  /** Earned points taken back. */
  reversedEarn: number;
  /** Spent points given back. */
  restoredRedeem: number;
  refundMinor: number;
}

export interface RefundResult {
  lines: RefundedLine[];
  reversedEarn: number;
  restoredRedeem: number;
  refundMinor: number;
}

export function refundPoints(args: {
  lines: readonly RefundableLine[];
  request: readonly { lineNo: number; quantity: number }[];
}): RefundResult {
  const byNo = new Map(args.lines.map((l) => [l.lineNo, l]));
  if (args.request.length === 0) throw new AppError('REFUND_NOT_ALLOWED', 'nothing to refund');
  const seen = new Set<number>();
  const result: RefundResult = { lines: [], reversedEarn: 0, restoredRedeem: 0, refundMinor: 0 };
  for (const { lineNo, quantity: q } of args.request) {
    const line = byNo.get(lineNo);
    if (line === undefined) throw new AppError('REFUND_NOT_ALLOWED', `line ${lineNo} is not in this sale`, { lineNo });
    if (seen.has(lineNo)) throw new AppError('REFUND_NOT_ALLOWED', `line ${lineNo} is listed twice`, { lineNo });
    seen.add(lineNo);
    if (!Number.isSafeInteger(q) || q <= 0)
      throw new AppError('REFUND_NOT_ALLOWED', `line ${lineNo}: refund a whole number of units`, { lineNo });
    const left = line.quantity - line.refundedQuantity;
    if (q > left) {
      throw new AppError('REFUND_NOT_ALLOWED', `line ${lineNo}: only ${left} unit(s) left to refund`, { lineNo, refundable: left });
    }
    const share = (x: number): number =>
      mulDivFloor([x, line.refundedQuantity + q], line.quantity) - mulDivFloor([x, line.refundedQuantity], line.quantity);
    const refunded: RefundedLine = {
      lineNo,
      quantity: q,
      reversedEarn: share(line.earnPoints),
      restoredRedeem: share(line.redeemedPoints),
      refundMinor: share(line.paidMinor),
    };
    result.lines.push(refunded);
    result.reversedEarn += refunded.reversedEarn;
    result.restoredRedeem += refunded.restoredRedeem;
    result.refundMinor += refunded.refundMinor;
  }
  return result;
}

/**
 * The refund and void policy for points a sale earned (docs/programme.md,
 * "Refunds and voids"). Points whose expiry instant (the earn entry's lot
 * expiry, lotExpiry(saleTime)) has come by the time of the refund or void are
 * not taken back: they expired, or were spent while they were valid, and a
 * refund never turns expired points into a debt. Points not yet expired are
 * taken back in full; if the member already spent them, the shortfall is a
 * recorded debt as before. Points the sale spent are always given back.
 */
export interface EarnedPortion {
  points: number;
  /** When these points expire(d); null = never. */
  expiresAt: number | null;
}

export interface EarnTakeBack {
  /** Earned points to take back now. */
  takeBack: number;
  /** Earned points left alone because they had expired at `at`. */
  expired: number;
}

/** Whether points expiring at `expiresAt` have expired at `at` (at the instant itself, as expiry.ts's isDue). */
export function earnExpired(expiresAt: number | null, at: number): boolean {
  return expiresAt !== null && expiresAt <= at;
}

/** Splits the earned points a refund or void concerns into those taken back and those left because they expired. */
export function earnToTakeBack(portions: readonly EarnedPortion[], at: number): EarnTakeBack {
  let takeBack = 0;
  let expired = 0;
  for (const p of portions) {
    if (p.points <= 0) continue;
    if (earnExpired(p.expiresAt, at)) expired += p.points;
    else takeBack += p.points;
  }
  return { takeBack, expired };
}

export interface PolicyRefundedLine extends RefundedLine {
  /** Earned points of this line not taken back: they had expired. */
  expiredEarn: number;
}

export interface PolicyRefund extends RefundResult {
  lines: PolicyRefundedLine[];
  /** Earned points not taken back because they had expired (reversedEarn is what is taken back). */
  expiredEarn: number;
}

/**
 * A refund plan (refundPoints) under the policy: when the sale's earned points
 * expire at or before `at`, none of them is taken back. `earnExpiresAt` is the
 * expiry of the sale's earn entry (null: never expires).
 */
export function applyRefundPolicy(plan: RefundResult, earnExpiresAt: number | null, at: number): PolicyRefund {
  const lines = plan.lines.map((l): PolicyRefundedLine => {
    const split = earnToTakeBack([{ points: l.reversedEarn, expiresAt: earnExpiresAt }], at);
    return { ...l, reversedEarn: split.takeBack, expiredEarn: split.expired };
  });
  return {
    ...plan,
    lines,
    reversedEarn: lines.reduce((s, l) => s + l.reversedEarn, 0),
    expiredEarn: lines.reduce((s, l) => s + l.expiredEarn, 0),
  };
}
