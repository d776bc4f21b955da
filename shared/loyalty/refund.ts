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
