/**
 * An erased member's stored events (docs/privacy.md, "Erasure and export"):
 * erase-member (server/admin/member-privacy.ts) replaces the personal fields of
 * the member's enrolment events and the free-text reasons of their adjustments,
 * and an enrolment of that member a till sends later is stored the same way, so
 * nothing brings the data back.
 */
import type { SyncEvent } from '../../shared/sync-protocol.ts';
import type { MemberRow } from '../store/member-rows.ts';

/**
 * What an erased member's stored events carry in place of a name (enrolment)
 * or a free-text reason (adjustment): both schemas want a text, and a stored
 * event is parsed again when a held one is approved.
 */
export const ERASED_TEXT = '(erased)';

export type EnrolmentPayload = Extract<SyncEvent, { kind: 'member.enrolled' }>['payload'];

/** An enrolment event's payload with its personal fields replaced; ids, card, store, staff and ledger kept. */
export function scrubEnrolmentPayload(payload: EnrolmentPayload): EnrolmentPayload {
  return { ...payload, name: ERASED_TEXT, phone: null, email: null, birthDate: null, consentMarketing: false };
}

/**
 * Whether a member row as the push loads it was erased. An enrolled member
 * always has a name (the enrolment and import schemas require one); only
 * erase-member empties it, and only a placeholder (pending_enrolment) has none
 * otherwise. So the push tells an erased member without loading erased_at.
 */
export function isErasedRow(row: Pick<MemberRow, 'status' | 'name'>): boolean {
  return row.status !== 'pending_enrolment' && row.name === '';
}
