import type { Output } from '../../../shared/api.ts';

export type MemberSummary = Output<'member.search'>['members'][number];

export const RECENT_MAX = 10;

/** The list with `member` first, no duplicates, at most `max` long. Pure. */
export function withRecent(list: readonly MemberSummary[], member: MemberSummary, max: number = RECENT_MAX): MemberSummary[] {
  return [member, ...list.filter((m) => m.id !== member.id)].slice(0, max);
}

/**
 * Recent members of one signed-in session, in memory only (never
 * localStorage: names and phone numbers are personal data). Keyed by the
 * session's staff object, so the next person to sign in starts with an empty
 * list and the old one is garbage once that session is gone.
 */
const lists = new WeakMap<object, MemberSummary[]>();

export function recentMembers(session: object): readonly MemberSummary[] {
  return lists.get(session) ?? [];
}

export function rememberMember(session: object, member: MemberSummary): void {
  lists.set(session, withRecent(lists.get(session) ?? [], member));
}
