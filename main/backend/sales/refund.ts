import type { Output, ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { applyRefundPolicy, refundPoints } from '../../../shared/loyalty/refund.ts';
import type { SaleRecord } from '../../../shared/sync-protocol.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction, type WritableDb } from '../store/connection.ts';
import { memberById } from '../store/members.ts';
import { enqueue, ledgerMark, ledgerSince } from '../store/outbox.ts';
import { expireDue } from '../store/expiry.ts';
import { credit, debit, entriesOfSale } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import {
  addExpiredKept,
  addRefundedQuantity,
  insertRefund,
  linesOf,
  lotExpiryOfEntries,
  raiseRefundedQuantity,
  refundResult,
  saleById,
  setRefundResult,
  type SaleRow,
} from '../store/sales.ts';
import type { CommitContext } from './commit.ts';
import { keepSaleOfOtherTill } from './sale-of-other-till.ts';

/**
 * Refunds some lines of a sale: the points earned on them are taken back and
 * the points spent on them given back, in proportion and never more than was
 * earned or spent. Points already spent elsewhere become a recorded debt;
 * points that had expired by now are not taken back (the refund policy,
 * shared/loyalty/refund.ts).
 *
 * `server` is the sale as the central server holds it, when it answered: a
 * sale of another till is kept here first, and lines another till refunded
 * already are refused up front (sales/refund-at-any-till.ts fetches it).
 */
export function refundSale(ctx: CommitContext, input: ParsedInput<'sale.refund'>, server: SaleRecord | null = null): Output<'sale.refund'> {
  const { now } = ctx;
  return writeTransaction(ctx.store, (db) => {
    const done = refundResult(db, input.refundId);
    if (done !== undefined)
      return {
        pointsExpiredNotReversed: 0,
        atOtherTill: false,
        ...(JSON.parse(done) as Partial<Output<'sale.refund'>>),
      } as Output<'sale.refund'>;
    if (server !== null && saleById(db, input.saleId) === undefined) keepSaleOfOtherTill(db, server, ctx.staffId);
    const sale = saleById(db, input.saleId);
    if (!sale) throw new AppError('NOT_FOUND', 'No such sale on this terminal.', { saleId: input.saleId });
    if (sale.status !== 'completed' || server?.status === 'voided')
      throw new AppError('REFUND_NOT_ALLOWED', 'This sale was voided: there is nothing left to refund.');
    if (server !== null) refusedElsewhere(db, sale, server, input.lines);

    const mark = ledgerMark(db);
    const lines = linesOf(db, sale.id);
    const program = currentProgram(db);
    const earnEntries =
      sale.member_id === null ? [] : entriesOfSale(db, sale.id).filter((e) => e.member_id === sale.member_id && e.kind === 'earn');
    const plan = applyRefundPolicy(
      refundPoints({
        lines: lines.map((l) => ({
          lineNo: l.line_no,
          quantity: l.quantity,
          refundedQuantity: l.refunded_quantity,
          earnPoints: l.earn_points,
          redeemedPoints: l.redeemed_points,
          paidMinor: l.paid_minor,
        })),
        request: input.lines,
      }),
      earnExpiry(
        db,
        sale,
        earnEntries.map((e) => e.id),
        program,
      ),
      now,
    );

    insertRefund(db, {
      id: input.refundId,
      saleId: sale.id,
      staffId: ctx.staffId,
      now,
      refundMinor: plan.refundMinor,
      pointsReversed: plan.reversedEarn,
      pointsRestored: plan.restoredRedeem,
      result: '{}',
    }); // the result is set below, once the balance after it is known
    for (const l of plan.lines) addRefundedQuantity(db, sale.id, l.lineNo, l.quantity);
    addExpiredKept(db, sale.id, plan.expiredEarn);

    let balanceAfter: number | null = null;
    let debtAfter: number | null = null;
    if (sale.member_id !== null) {
      const memberId = sale.member_id;
      const base = { memberId, saleId: sale.id, refundId: input.refundId, staffId: ctx.staffId, now, kind: 'reverse' as const };
      const expiredNote = plan.expiredEarn > 0 ? ` (${plan.expiredEarn} earned points had expired: not taken back)` : '';
      expireDue(db, memberId, now);
      debit(
        db,
        { ...base, points: plan.reversedEarn, qualifying: -plan.reversedEarn, reason: `refund: points earned taken back${expiredNote}` },
        { allowDebt: true, preferEntries: earnEntries.map((e) => e.id) },
      );
      credit(
        db,
        { ...base, points: plan.restoredRedeem, reason: `refund: points spent given back${expiredNote}` },
        lotExpiry(now, program),
      );
      const member = memberById(db, memberId);
      balanceAfter = member?.balance ?? null;
      debtAfter = member?.debt ?? null;
    }
    const final: Output<'sale.refund'> = {
      refundId: input.refundId,
      saleId: sale.id,
      refundMinor: plan.refundMinor,
      pointsReversed: plan.reversedEarn,
      pointsRestored: plan.restoredRedeem,
      pointsExpiredNotReversed: plan.expiredEarn,
      atOtherTill: sale.origin_terminal_id !== null,
      balanceAfter,
      debtAfter,
      lines: plan.lines,
    };
    setRefundResult(db, input.refundId, JSON.stringify(final));
    audit(db, {
      at: now,
      staffId: ctx.staffId,
      action: 'sale.refund',
      subject: sale.id,
      details: { refundId: input.refundId, lines: input.lines, pointsExpiredNotReversed: plan.expiredEarn, atOtherTill: final.atOtherTill },
    });
    enqueue(
      db,
      'sale.refunded',
      {
        refundId: input.refundId,
        saleId: sale.id,
        memberId: sale.member_id,
        storeId: ctx.storeId,
        staffId: ctx.staffId,
        createdAt: now,
        refundedMinor: plan.refundMinor,
        lines: plan.lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })),
        ledger: ledgerSince(db, mark),
      },
      now,
    );
    return final;
  });
}

/**
 * When the points the sale earned expire: its earn entry's lot here, or the
 * expiry the server sent with a sale of another till; an earn that went to pay
 * off a debt has no lot, and expires as the programme says.
 */
function earnExpiry(db: WritableDb, sale: SaleRow, earnEntryIds: number[], program: ReturnType<typeof currentProgram>): number | null {
  if (sale.origin_terminal_id !== null) return sale.earn_expires_at;
  const lots = lotExpiryOfEntries(db, earnEntryIds);
  const known = [...lots.values()];
  return known.length > 0 ? Math.min(...known) : lotExpiry(sale.created_at, program);
}

/**
 * Lines the server knows were refunded (at any till) count as refunded here:
 * a refund of what another till already gave back is refused up front, saying so.
 */
function refusedElsewhere(
  db: WritableDb,
  sale: SaleRow,
  server: SaleRecord,
  request: readonly { lineNo: number; quantity: number }[],
): void {
  if (server.lines === null) return;
  const local = new Map(linesOf(db, sale.id).map((l) => [l.line_no, l]));
  for (const r of request) {
    const here = local.get(r.lineNo);
    const there = server.lines.find((l) => l.lineNo === r.lineNo);
    if (here === undefined || there === undefined || there.refundedQuantity <= here.refunded_quantity) continue;
    const left = here.quantity - there.refundedQuantity;
    if (r.quantity > left) {
      throw new AppError(
        'REFUND_NOT_ALLOWED',
        left <= 0
          ? `Line ${r.lineNo} was already refunded (the loyalty server has a refund of it from a till of this store).`
          : `Line ${r.lineNo}: only ${left} unit(s) left to refund (the loyalty server has a refund of the rest from a till of this store).`,
        { lineNo: r.lineNo, refundable: Math.max(0, left), refundedElsewhere: true },
      );
    }
  }
  for (const l of server.lines) raiseRefundedQuantity(db, sale.id, l.lineNo, l.refundedQuantity);
}
