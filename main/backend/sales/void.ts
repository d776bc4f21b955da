import type { Output } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { earnExpired, earnToTakeBack } from '../../../shared/loyalty/refund.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction } from '../store/connection.ts';
import { memberById } from '../store/members.ts';
import { enqueue, ledgerMark, ledgerSince } from '../store/outbox.ts';
import { expireDue } from '../store/expiry.ts';
import { credit, debit, entriesOfSale, type LedgerRow } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import {
  addExpiredKept,
  cancelVouchersOfSale,
  hasRefunds,
  lotExpiryOfEntries,
  markVoided,
  saleById,
  type SaleRow,
} from '../store/sales.ts';
import { hasRole, type SessionStaff } from '../staff/sessions.ts';
import type { CommitContext } from './commit.ts';

/** A cashier may void their own sale for this long; after that, or for someone else's, a manager must. */
export const CASHIER_VOID_WINDOW_MS = 15 * 60_000;

/**
 * Voids a whole sale: every point it gave (to the member and any referrer) is
 * taken back and every point it spent is given back. Voiding twice is a no-op.
 */
export function voidSale(ctx: CommitContext & { staff: SessionStaff }, saleId: string): Output<'sale.void'> {
  const { now } = ctx;
  return writeTransaction(ctx.store, (db) => {
    const sale = saleById(db, saleId);
    if (!sale) throw new AppError('NOT_FOUND', 'No such sale on this terminal.', { saleId });
    const entries = entriesOfSale(db, saleId);
    if (sale.status === 'voided') return summarise(db, sale, entries);
    if (!hasRole(ctx.staff, 'manager') && (sale.staff_id !== ctx.staff.id || now - sale.created_at > CASHIER_VOID_WINDOW_MS)) {
      throw new AppError('FORBIDDEN', 'Only a manager can void this sale (it is not your last sale or it is too old).');
    }
    if (sale.origin_terminal_id !== null) {
      throw new AppError('VOID_NOT_ALLOWED', 'This sale was made at another till: refund its lines instead.', { atOtherTill: true });
    }
    if (hasRefunds(db, saleId)) {
      throw new AppError('VOID_NOT_ALLOWED', 'Part of this sale was already refunded: refund the remaining lines instead.');
    }

    const mark = ledgerMark(db);
    const program = currentProgram(db);
    const base = { saleId, staffId: ctx.staff.id, now, kind: 'reverse' as const };
    const byMember = new Map<string, { given: LedgerRow[]; spent: number }>();
    for (const e of entries) {
      const m = byMember.get(e.member_id) ?? { given: [], spent: 0 };
      if (e.points > 0) m.given.push(e);
      else m.spent -= e.points;
      byMember.set(e.member_id, m);
    }
    // The refund policy (shared/loyalty/refund.ts): points whose expiry has come are not taken back.
    const expiryOf = lotExpiryOfEntries(
      db,
      entries.filter((e) => e.points > 0).map((e) => e.id),
    );
    let expiredKept = 0;
    for (const [memberId, { given, spent }] of byMember) {
      expireDue(db, memberId, now);
      const live = given.filter((e) => !earnExpired(expiryOf.get(e.id) ?? lotExpiry(sale.created_at, program), now));
      const { takeBack, expired } = earnToTakeBack(
        given.map((e) => ({ points: e.points, expiresAt: expiryOf.get(e.id) ?? lotExpiry(sale.created_at, program) })),
        now,
      );
      expiredKept += expired;
      const qualifying = live.reduce((s, e) => s + e.qualifying, 0);
      const note = expired > 0 ? ` (${expired} points had expired: not taken back)` : '';
      debit(
        db,
        { ...base, memberId, points: takeBack, qualifying: -qualifying, reason: `sale voided: points taken back${note}` },
        { allowDebt: true, preferEntries: live.map((e) => e.id) },
      );
      credit(db, { ...base, memberId, points: spent, reason: `sale voided: points given back${note}` }, lotExpiry(now, program));
    }
    addExpiredKept(db, saleId, expiredKept);
    cancelVouchersOfSale(db, saleId);
    markVoided(db, saleId, ctx.staff.id, now);
    audit(db, { at: now, staffId: ctx.staff.id, action: 'sale.void', subject: saleId });
    const result = summarise(db, saleById(db, saleId)!, entriesOfSale(db, saleId));
    enqueue(
      db,
      'sale.voided',
      { saleId, memberId: sale.member_id, storeId: ctx.storeId, staffId: ctx.staff.id, voidedAt: now, ledger: ledgerSince(db, mark) },
      now,
    );
    return result;
  });
}

function summarise(db: CommitContext['store']['db'], sale: SaleRow, entries: LedgerRow[]): Output<'sale.void'> {
  const reversals = entries.filter((e) => e.kind === 'reverse' && e.refund_id === null);
  return {
    saleId: sale.id,
    pointsReversed: reversals.filter((e) => e.points < 0).reduce((s, e) => s - e.points, 0),
    pointsRestored: reversals.filter((e) => e.points > 0).reduce((s, e) => s + e.points, 0),
    balanceAfter: sale.member_id === null ? null : (memberById(db, sale.member_id)?.balance ?? null),
    // A voided sale has no refunds, so what its void left alone is all that was kept.
    pointsExpiredNotReversed: sale.points_expired_kept,
  };
}
