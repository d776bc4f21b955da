import type { Output } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import type { StaffContext } from '../context.ts';
import { writeTransaction } from '../store/connection.ts';
import { memberById, type MemberRow } from '../store/members.ts';
import { expireDue, hasDueLots } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import { memberView } from './member-view.ts';

/** A member as the cashier sees them, found by card, id or a scanned token. */
export function showMember(ctx: StaffContext, found: MemberRow | undefined): Output<'member.get'> {
  if (!found) throw new AppError('NOT_FOUND', 'No member with this card. Check the card, search by phone or name, or enrol the customer.');
  const now = ctx.clock.now();
  let row = found;
  // Expired points leave the balance the first time the member is seen after their expiry.
  if (ctx.store.health.ok && hasDueLots(ctx.store.db, row.id, now)) {
    writeTransaction(ctx.store, () => expireDue(ctx.store.db, found.id, now));
    row = memberById(ctx.store.db, found.id)!;
  }
  return memberView(ctx.store.db, row, currentProgram(ctx.store.db), now);
}

