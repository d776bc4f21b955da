/**
 * A sale made at another till of this store, as the central server sent it
 * (GET /v1/sales/:saleId): kept here as a sale of that till so that it can be
 * refunded here, and shown as such in the member's history. None of its
 * ledger entries come with it: the points it made are in the member's
 * balance from the pull.
 */
import type { Output } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import type { SaleRecord } from '../../../shared/sync-protocol.ts';
import type { WritableDb } from '../store/connection.ts';
import { memberById } from '../store/members.ts';
import { insertSaleOfOtherTill } from '../store/sales.ts';
import { staffById } from '../store/staff.ts';

type HistorySale = Output<'member.history'>['sales'][number];

export function keepSaleOfOtherTill(db: WritableDb, sale: SaleRecord, refundingStaffId: string): void {
  if (sale.lines === null) {
    throw new AppError(
      'REFUND_NOT_ALLOWED',
      'This sale was made at another till whose software did not send its lines: refund it at that till.',
      { reason: 'no_lines' },
    );
  }
  if (sale.memberId !== null && memberById(db, sale.memberId) === undefined) {
    throw new AppError('NOT_FOUND', "This sale's member is not on this terminal yet: sync, then try again.", { reason: 'member_unknown' });
  }
  insertSaleOfOtherTill(
    db,
    {
      id: sale.saleId,
      member_id: sale.memberId,
      // The staff list comes from the server; a till that has not pulled the seller yet records who refunds it.
      staff_id: staffById(db, sale.staffId) !== undefined ? sale.staffId : refundingStaffId,
      store_id: sale.storeId,
      program_version: sale.programVersion ?? 0,
      created_at: sale.createdAt,
      total_minor: sale.totalMinor,
      discount_minor: sale.totalMinor - sale.paidMinor,
      paid_minor: sale.paidMinor,
      points_earned: sale.pointsEarned,
      points_redeemed: sale.pointsRedeemed,
      reward_id: null,
      result: '{}',
      origin_terminal_id: sale.terminalId,
      earn_expires_at: sale.earnExpiresAt,
    },
    sale.lines.map((l) => ({
      line_no: l.lineNo,
      sku: l.sku,
      category: l.category,
      description: l.description ?? l.category,
      quantity: l.quantity,
      unit_price_minor: l.unitPriceMinor ?? Math.trunc((l.amountMinor ?? l.paidMinor) / l.quantity),
      amount_minor: l.amountMinor ?? l.paidMinor,
      discount_minor: l.discountMinor ?? 0,
      paid_minor: l.paidMinor,
      earn_points: l.earnPoints,
      redeemed_points: l.redeemedPoints,
      refunded_quantity: Math.min(l.refundedQuantity, l.quantity),
    })),
  );
}

/** A sale of another till as the member's history shows it (from the server, not kept here). */
export function historySaleOfOtherTill(sale: SaleRecord): HistorySale {
  return {
    id: sale.saleId,
    createdAt: sale.createdAt,
    status: sale.status,
    totalMinor: sale.totalMinor,
    paidMinor: sale.paidMinor,
    pointsEarned: sale.pointsEarned,
    pointsRedeemed: sale.pointsRedeemed,
    explanation: [],
    // An older till sent no lines: the sale is listed, and cannot be refunded here.
    lines: (sale.lines ?? []).map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      description: l.description ?? l.category,
      category: l.category,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor ?? Math.trunc((l.amountMinor ?? l.paidMinor) / l.quantity),
      amountMinor: l.amountMinor ?? l.paidMinor,
      discountMinor: l.discountMinor ?? 0,
      paidMinor: l.paidMinor,
      earnPoints: l.earnPoints,
      redeemedPoints: l.redeemedPoints,
      refundedQuantity: l.refundedQuantity,
    })),
    atOtherTill: true,
    pointsExpiredNotReversed: 0,
  };
}

/**
 * The member's history with the sales other tills of the store made (from the
 * server) among those this terminal holds, the newest first, at most `limit`.
 * A sale this terminal holds (made here, or kept by a refund) is listed from
 * its own records.
 */
export function mergeSalesOfOtherTills(
  local: readonly HistorySale[],
  remote: readonly SaleRecord[],
  held: (saleId: string) => boolean,
  limit: number,
): HistorySale[] {
  const others = remote.filter((s) => !held(s.saleId)).map(historySaleOfOtherTill);
  return [...local, ...others].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).slice(0, limit);
}
