import type { Output, ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { refundPoints } from '../../../shared/loyalty/refund.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction } from '../store/connection.ts';
import { memberById } from '../store/members.ts';
import { enqueue, ledgerMark, ledgerSince } from '../store/outbox.ts';
import { expireDue } from '../store/expiry.ts';
import { credit, debit, entriesOfSale } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import { addRefundedQuantity, insertRefund, linesOf, refundResult, saleById, setRefundResult } from '../store/sales.ts';
import type { CommitContext } from './commit.ts';

/**
 * Refunds some lines of a sale: the points earned on them are taken back and
 * the points spent on them given back, in proportion and never more than was
 * earned or spent. Points already spent elsewhere become a recorded debt.
 */
export function refundSale(ctx: CommitContext, input: ParsedInput<'sale.refund'>): Output<'sale.refund'> {
  const { now } = ctx;
  return writeTransaction(ctx.store, (db) => {
    const done = refundResult(db, input.refundId);
    if (done !== undefined) return JSON.parse(done) as Output<'sale.refund'>;
    const sale = saleById(db, input.saleId);
    if (!sale) throw new AppError('NOT_FOUND', 'No such sale on this terminal.', { saleId: input.saleId });
    if (sale.status !== 'completed') throw new AppError('REFUND_NOT_ALLOWED', 'This sale was voided: there is nothing left to refund.');

    const mark = ledgerMark(db);
    const lines = linesOf(db, sale.id);
    const plan = refundPoints({
      lines: lines.map((l) => ({
        lineNo: l.line_no,
        quantity: l.quantity,
        refundedQuantity: l.refunded_quantity,
        earnPoints: l.earn_points,
        redeemedPoints: l.redeemed_points,
        paidMinor: l.paid_minor,
      })),
      request: input.lines,
    });

    let balanceAfter: number | null = null;
    let debtAfter: number | null = null;
    const result: Output<'sale.refund'> = {
      refundId: input.refundId,
      saleId: sale.id,
      refundMinor: plan.refundMinor,
      pointsReversed: plan.reversedEarn,
      pointsRestored: plan.restoredRedeem,
      balanceAfter,
      debtAfter,
      lines: plan.lines,
    };
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

    if (sale.member_id !== null) {
      const memberId = sale.member_id;
      const base = { memberId, saleId: sale.id, refundId: input.refundId, staffId: ctx.staffId, now, kind: 'reverse' as const };
      expireDue(db, memberId, now);
      const earnEntries = entriesOfSale(db, sale.id)
        .filter((e) => e.member_id === memberId && e.kind === 'earn')
        .map((e) => e.id);
      debit(
        db,
        { ...base, points: plan.reversedEarn, qualifying: -plan.reversedEarn, reason: 'refund: points earned taken back' },
        { allowDebt: true, preferEntries: earnEntries },
      );
      credit(db, { ...base, points: plan.restoredRedeem, reason: 'refund: points spent given back' }, lotExpiry(now, currentProgram(db)));
      const member = memberById(db, memberId);
      balanceAfter = member?.balance ?? null;
      debtAfter = member?.debt ?? null;
    }
    const final = { ...result, balanceAfter, debtAfter };
    setRefundResult(db, input.refundId, JSON.stringify(final));
    audit(db, {
      at: now,
      staffId: ctx.staffId,
      action: 'sale.refund',
      subject: sale.id,
      details: { refundId: input.refundId, lines: input.lines },
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
        ledger: ledgerSince(db, mark),
      },
      now,
    );
    return final;
  });
}
