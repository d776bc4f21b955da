import type { Output, ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { cardRanges, type CardRange } from '../../../shared/program.ts';
import { enrolmentBonus } from '../../../shared/loyalty/bonuses.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction } from '../store/connection.ts';
import type { CountryCode } from 'libphonenumber-js/min';
import type { ReadableDb } from '../store/connection.ts';
import { cardOwner, cardsOf, insertCard, insertMember, memberByCard, memberById, membersByPhoneOrEmail } from '../store/members.ts';
import { enqueue, ledgerMark, ledgerSince } from '../store/outbox.ts';
import { credit } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import { parseCardNumber } from '../scanning/card-number.ts';
import type { CommitContext } from '../sales/commit.ts';
import { memberSummary } from './member-search.ts';
import { memberView } from './member-view.ts';
import { internationalPhone, storedPhone } from './phone-number.ts';

/**
 * Enrols a customer at the counter, offline if need be: the member id is made
 * by the terminal, so the server later resolves this member by that id.
 * Enrolling the same id again returns the member as it is.
 */
export function enrolMember(
  ctx: CommitContext,
  input: ParsedInput<'member.enrol'>,
  country: CountryCode | undefined,
): Output<'member.enrol'> {
  const { now } = ctx;
  // Stored and sent as the international number, so every format of it finds this member.
  const phone = input.phone === null ? null : (internationalPhone(input.phone, country) ?? input.phone.trim());
  return writeTransaction(ctx.store, (db) => {
    const program = currentProgram(db);
    const existing = memberById(db, input.memberId);
    if (existing) return { member: memberView(db, existing, program, now), duplicates: [], bonusPoints: 0 };

    if (input.cardNumber !== null) checkProgrammeCard(input.cardNumber, cardRanges(program));
    if (input.cardNumber !== null && cardOwner(db, input.cardNumber) !== undefined) {
      throw new AppError('CARD_IN_USE', 'This card already belongs to another member. Use a new card.');
    }
    let referredBy: string | null = null;
    if (input.referrerCard !== null) {
      const referrer = memberByCard(db, input.referrerCard);
      if (!referrer) throw new AppError('NOT_FOUND', 'The referral card is not known. Check the number or leave it empty.');
      referredBy = referrer.id;
    }
    const duplicates = membersByPhoneOrEmail(db, phone, input.email).map((d) =>
      memberSummary(d, { balance: d.balance, program, country, cards: cardsOf(db, d.id) }),
    );

    const mark = ledgerMark(db);
    insertMember(db, {
      id: input.memberId,
      name: input.name,
      phone,
      email: input.email,
      birthDate: input.birthDate,
      tier: program.tiers.levels[0]!.id,
      enrolledStore: ctx.storeId,
      enrolledAt: now,
      consentMarketing: input.consentMarketing,
      referredBy,
    });
    if (input.cardNumber !== null) insertCard(db, input.cardNumber, input.memberId, now);
    const bonus = enrolmentBonus(program);
    if (bonus !== null && bonus.points > 0) {
      credit(
        db,
        { memberId: input.memberId, kind: 'bonus', points: bonus.points, ref: 'enrolment', reason: bonus.label, staffId: ctx.staffId, now },
        lotExpiry(now, program),
      );
    }
    audit(db, {
      at: now,
      staffId: ctx.staffId,
      action: 'member.enrol',
      subject: input.memberId,
      details: { possibleDuplicates: duplicates.map((d) => d.id) },
    });
    enqueue(
      db,
      'member.enrolled',
      {
        memberId: input.memberId,
        cardNumber: input.cardNumber,
        name: input.name,
        phone,
        email: input.email,
        birthDate: input.birthDate,
        consentMarketing: input.consentMarketing,
        referredBy,
        storeId: ctx.storeId,
        enrolledAt: now,
        staffId: ctx.staffId,
        ledger: ledgerSince(db, mark),
      },
      now,
    );
    const row = memberById(db, input.memberId)!;
    return { member: memberView(db, row, program, now), duplicates, bonusPoints: bonus?.points ?? 0 };
  });
}

/**
 * Members with the same phone (in any format: compared as the international number) or the same
 * e-mail (case-blind) as a customer about to be enrolled: asked by the enrol screen while the
 * details are typed, so the cashier is warned before creating a duplicate. Reads two indexes.
 */
export function possibleDuplicates(
  input: ParsedInput<'member.duplicates'>,
  ctx: { store: { db: ReadableDb } },
  country: CountryCode | undefined,
): Output<'member.duplicates'> {
  const db = ctx.store.db;
  const phone = input.phone === null ? null : storedPhone(input.phone, country);
  const program = currentProgram(db);
  return {
    members: membersByPhoneOrEmail(db, phone, input.email).map((d) =>
      memberSummary(d, { balance: d.balance, program, country, cards: cardsOf(db, d.id) }),
    ),
  };
}

/**
 * A number from one of the programme's pre-printed ranges must be whole and
 * pass its check digit: a mistyped card would otherwise be issued and never
 * scan. Numbers outside every range (older cards) are taken as they are.
 */
function checkProgrammeCard(cardNumber: string, ranges: readonly CardRange[]): void {
  const parsed = parseCardNumber(cardNumber, ranges);
  if (!parsed.ok && parsed.reason !== 'not-in-range' && parsed.reason !== 'not-digits') {
    throw new AppError('VALIDATION', parsed.message, { field: 'cardNumber', reason: parsed.reason });
  }
}
