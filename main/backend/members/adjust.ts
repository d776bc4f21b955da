import type { Output, ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction } from '../store/connection.ts';
import { memberById } from '../store/members.ts';
import { enqueue, ledgerMark, ledgerSince } from '../store/outbox.ts';
import { expireDue } from '../store/expiry.ts';
import { appliedAdjustment, credit, debit } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import type { CommitContext } from '../sales/commit.ts';

/** A manager's correction: a new ledger entry with its reason, and an audit record. Never below zero. */
export function adjustPoints(ctx: CommitContext, input: ParsedInput<'points.adjust'>): Output<'points.adjust'> {
  const { now } = ctx;
  return writeTransaction(ctx.store, (db) => {
    const member = memberById(db, input.memberId);
    if (!member) throw new AppError('NOT_FOUND', 'This member is not known on this terminal.');
    const done = appliedAdjustment(db, input.adjustmentId);
    if (done !== undefined) {
      if (done.memberId !== input.memberId) throw new AppError('CONFLICT', 'This adjustment id was already used for another member.');
      return { balance: done.balanceAfter };
    }
    const mark = ledgerMark(db);
    expireDue(db, input.memberId, now);
    const entry = {
      memberId: input.memberId,
      kind: 'adjust' as const,
      points: Math.abs(input.points),
      ref: input.adjustmentId,
      reason: input.reason,
      staffId: ctx.staffId,
      now,
    };
    if (input.points > 0) credit(db, entry, lotExpiry(now, currentProgram(db)));
    else debit(db, entry, { allowDebt: false });
    audit(db, {
      at: now,
      staffId: ctx.staffId,
      action: 'points.adjust',
      subject: input.memberId,
      details: { adjustmentId: input.adjustmentId, points: input.points, reason: input.reason },
    });
    enqueue(
      db,
      'points.adjusted',
      {
        adjustmentId: input.adjustmentId,
        memberId: input.memberId,
        points: input.points,
        reason: input.reason,
        staffId: ctx.staffId,
        storeId: ctx.storeId,
        createdAt: now,
        ledger: ledgerSince(db, mark),
      },
      now,
    );
    return { balance: memberById(db, input.memberId)!.balance };
  });
}
