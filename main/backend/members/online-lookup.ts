/**
 * The till's side of the online look-ups (least data on every till): the chain's members from
 * the server when the offline search cannot find them (no personal data of other stores' members
 * here), and a member's whole points history, with this till's own ledger when the server is out
 * of reach. Both fail soft: the screen says what it could not get, never an error.
 */
import type { Output, ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { tierById } from '../../../shared/loyalty/tiers.ts';
import { phoneDigits } from '../../../shared/phone-keys.ts';
import { MEMBER_SEARCH_MIN_DIGITS, MEMBER_SEARCH_MIN_LETTERS } from '../../../shared/sync-protocol.ts';
import type { ReadStaffContext } from '../context.ts';
import { memberById, nameWords } from '../store/members.ts';
import { pendingEntriesOf } from '../store/outbox.ts';
import { entriesOfMember, type LedgerRow } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import { phoneCountry } from './phone-number.ts';

const PHONE_LIKE = /^\+?[\d\s().-]+$/;

/** Whether the server would take the query (its minimum lengths): a shorter one is not sent. */
export function searchableOnline(query: string): boolean {
  if (PHONE_LIKE.test(query)) return phoneDigits(query).length >= MEMBER_SEARCH_MIN_DIGITS;
  return nameWords(query).some((w) => [...w].length >= MEMBER_SEARCH_MIN_LETTERS);
}

export async function searchMembersOnline(
  input: ParsedInput<'member.searchOnline'>,
  ctx: ReadStaffContext,
): Promise<Output<'member.searchOnline'>> {
  if (!searchableOnline(input.query)) return { outcome: 'unavailable', reason: 'too_short' };
  const lookup = await ctx.sync.searchMembersOnline({
    q: input.query,
    country: phoneCountry(ctx.terminal.locale, ctx.terminal.phoneCountry),
  });
  if (lookup.kind === 'unavailable') return { outcome: 'unavailable', reason: lookup.reason };
  const db = ctx.store.db;
  const program = currentProgram(db);
  return {
    outcome: 'found',
    members: lookup.answer.members.map((m) => ({
      id: m.id,
      name: m.name,
      phoneMasked: m.phoneMasked,
      tier: m.tier,
      tierLabel: tierById(program, m.tier)?.label ?? m.tier,
      status: m.status,
      cardHint: m.cardHint,
      enrolledStoreName: m.enrolledStoreName,
      inStore: m.inStore,
      heldHere: memberById(db, m.id) !== undefined,
    })),
    capped: lookup.answer.capped,
  };
}

export async function fullHistory(input: ParsedInput<'member.fullHistory'>, ctx: ReadStaffContext): Promise<Output<'member.fullHistory'>> {
  const db = ctx.store.db;
  if (!memberById(db, input.memberId)) throw new AppError('NOT_FOUND', 'This member is not known on this terminal.');
  const online = await ctx.sync.memberHistoryOnline(input.memberId, { limit: input.limit, before: input.before });
  const tillEntry = (e: LedgerRow, pending: boolean) => ({
    id: String(e.id),
    kind: e.kind,
    points: e.points,
    createdAt: e.created_at,
    storeName: null,
    category: null,
    label: e.reason === '' ? null : e.reason,
    pending,
  });
  if (online.kind === 'found') {
    // What this till did that the server has not acknowledged yet (a refund a moment ago) comes first:
    // the server's history alone would not show it until the next push.
    const pending = input.before === undefined ? pendingEntriesOf(db, input.memberId, input.limit) : [];
    return {
      source: 'server',
      unavailable: null,
      entries: [...pending.map((e) => tillEntry(e, true)), ...online.answer.entries.map((e) => ({ ...e, pending: false }))],
      nextBefore: online.answer.nextBefore,
    };
  }
  // The till's own ledger, newest first: what it recorded and what its pulls brought.
  return {
    source: 'till',
    unavailable: online.kind === 'not_found' ? 'not_on_server' : online.reason,
    entries: entriesOfMember(db, input.memberId, input.limit).map((e) => tillEntry(e, false)),
    nextBefore: null,
  };
}
