import type { CountryCode } from 'libphonenumber-js/min';
import type { MemberSummary, Output, ParsedInput } from '../../../shared/api.ts';
import { tierById } from '../../../shared/loyalty/tiers.ts';
import type { ProgramConfig } from '../../../shared/program.ts';
import type { ReadStaffContext } from '../context.ts';
import { pointsNow } from '../store/expiry.ts';
import { cardHint, cardsOf, heldName, membersByNameWords, membersByPhonePrefix, nameKey, type MemberRow } from '../store/members.ts';
import { currentProgram } from '../store/program.ts';
import { displayPhone, phoneCountry, phoneSearchKeys } from './phone-number.ts';

/** The most members one search shows; `capped` says there were more. */
export const SEARCH_LIMIT = 20;

/**
 * Find member: by phone in any format the store's country writes it (national, +49…, 0049…,
 * with or without spaces), or by any words of the name by prefix, accent- and case-blind. Every
 * read goes through an index (members_phone, the name index of migration 0008), at most
 * SEARCH_LIMIT + 1 rows a query: the extra row only says the list is capped.
 */
export function searchMembers(input: ParsedInput<'member.search'>, ctx: ReadStaffContext): Output<'member.search'> {
  const db = ctx.store.db;
  const country = phoneCountry(ctx.terminal.locale, ctx.terminal.phoneCountry);
  const wanted = SEARCH_LIMIT + 1;
  let rows: MemberRow[];
  if ('phonePrefix' in input) {
    const seen = new Map<string, MemberRow>();
    for (const key of phoneSearchKeys(input.phonePrefix, country)) {
      if (seen.size >= wanted) break;
      for (const row of membersByPhonePrefix(db, key, wanted - seen.size)) if (!seen.has(row.id)) seen.set(row.id, row);
    }
    rows = [...seen.values()];
  } else {
    rows = membersByNameWords(db, input.namePrefix, wanted).sort((a, b) => nameKey(a.name).localeCompare(nameKey(b.name)));
  }
  const now = ctx.clock.now();
  const program = currentProgram(db);
  return {
    // The balance as member.get shows it: points due to expire are out (store/expiry.ts).
    members: rows
      .slice(0, SEARCH_LIMIT)
      .map((r) => memberSummary(r, { balance: pointsNow(db, r, now).balance, program, country, cards: cardsOf(db, r.id) })),
    capped: rows.length > SEARCH_LIMIT,
  };
}

/** A member as a list shows it: the phone written for people, the tier's label. */
export function memberSummary(
  r: MemberRow,
  at: { balance: number; program: ProgramConfig; country: CountryCode | undefined; cards: readonly string[] },
): MemberSummary {
  return {
    id: r.id,
    name: heldName(r),
    cardHint: cardHint(at.cards),
    phone: displayPhone(r.phone, at.country),
    tier: r.tier,
    tierLabel: tierById(at.program, r.tier)?.label ?? r.tier,
    status: r.status,
    balance: at.balance,
  };
}
