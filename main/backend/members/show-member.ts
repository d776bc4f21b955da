import type { Output } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import type { ReadStaffContext } from '../context.ts';
import type { MemberRow } from '../store/members.ts';
import { currentProgram } from '../store/program.ts';
import { memberView } from './member-view.ts';

/**
 * A member as the cashier sees them, found by card, id or a scanned token.
 * A read: points due to expire are left out of what is shown (store/expiry.ts),
 * and the next write for the member records their expiry.
 */
export function showMember(ctx: ReadStaffContext, found: MemberRow | undefined): Output<'member.get'> {
  if (!found) throw new AppError('NOT_FOUND', 'No member with this card. Check the card, search by phone or name, or enrol the customer.');
  return memberView(ctx.store.db, found, currentProgram(ctx.store.db), ctx.clock.now());
}
