import type { Output } from '../../../shared/api.ts';
import type { ProgramConfig } from '../../../shared/program.ts';
import type { ReadableDb } from '../store/connection.ts';
import { prepare } from '../store/statements.ts';
import { localDayRange } from './day-range.ts';

/** The day's figures for the manager, over one store-local calendar day. */
export function endOfDay(db: ReadableDb, program: ProgramConfig, date: string, storeId: string): Output<'report.endOfDay'> {
  const { start, end } = localDayRange(date, program.timeZone);
  const sales = prepare(
    db,
    `SELECT count(*) FILTER (WHERE status = 'completed') AS sales,
            count(*) FILTER (WHERE status = 'completed' AND member_id IS NOT NULL) AS withMember,
            count(*) FILTER (WHERE status = 'completed' AND points_redeemed > 0) AS withRedemption,
            count(*) FILTER (WHERE status = 'voided') AS voided,
            coalesce(sum(paid_minor) FILTER (WHERE status = 'completed'), 0) AS revenue,
            coalesce(sum(discount_minor) FILTER (WHERE status = 'completed'), 0) AS discount
     FROM sales WHERE created_at >= ? AND created_at < ?`,
  ).get(start, end) as { sales: number; withMember: number; withRedemption: number; voided: number; revenue: number; discount: number };
  const points = prepare(
    db,
    `SELECT coalesce(sum(points) FILTER (WHERE kind IN ('earn', 'bonus')), 0) AS issued,
            coalesce(-sum(points) FILTER (WHERE kind = 'redeem'), 0) AS redeemed,
            coalesce(-sum(points) FILTER (WHERE kind = 'reverse' AND points < 0), 0) AS reversed,
            coalesce(sum(points) FILTER (WHERE kind = 'reverse' AND points > 0), 0) AS restored,
            count(*) FILTER (WHERE kind = 'adjust') AS adjustments,
            coalesce(sum(points) FILTER (WHERE kind = 'adjust'), 0) AS adjustmentPoints
     FROM ledger WHERE created_at >= ? AND created_at < ?`,
  ).get(start, end) as {
    issued: number;
    redeemed: number;
    reversed: number;
    restored: number;
    adjustments: number;
    adjustmentPoints: number;
  };
  const refunds = prepare(db, 'SELECT coalesce(sum(refund_minor), 0) FROM refunds WHERE created_at >= ? AND created_at < ?')
    .pluck()
    .get(start, end) as number;
  const enrolments = prepare(db, 'SELECT count(*) FROM members WHERE enrolled_store = ? AND enrolled_at >= ? AND enrolled_at < ?')
    .pluck()
    .get(storeId, start, end) as number;
  return {
    date,
    timeZone: program.timeZone,
    currency: program.currency,
    sales: sales.sales,
    salesWithMember: sales.withMember,
    voided: sales.voided,
    revenueMinor: sales.revenue,
    discountMinor: sales.discount,
    refundsMinor: refunds,
    pointsIssued: points.issued,
    pointsRedeemed: points.redeemed,
    pointsReversed: points.reversed,
    pointsRestored: points.restored,
    enrolments,
    redemptionRate: sales.withMember === 0 ? 0 : sales.withRedemption / sales.withMember,
    adjustments: points.adjustments,
    adjustmentPoints: points.adjustmentPoints,
  };
}
