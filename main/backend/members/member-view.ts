import type { Member } from '../../../shared/api.ts';
import type { ProgramConfig } from '../../../shared/program.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';
import { tierById } from '../../../shared/loyalty/tiers.ts';
import type { ReadableDb } from '../store/connection.ts';
import { cardHint, cardsOf, heldName, type MemberRow } from '../store/members.ts';
import { unacknowledgedPoints } from '../store/outbox.ts';
import { pointsNow } from '../store/expiry.ts';

/** What the cashier sees of a member as of `now`: balance, what can be spent, what expires soon. */
export function memberView(db: ReadableDb, row: MemberRow, program: ProgramConfig, now: number): Member {
  const points = pointsNow(db, row, now);
  // Pending = this terminal's events the server has not acknowledged; the rest of the balance is confirmed.
  const pending = unacknowledgedPoints(db, row.id);
  const birthMonth = row.birthday === null ? null : Number(row.birthday.slice(0, 2));
  const cards = cardsOf(db, row.id);
  return {
    id: row.id,
    name: heldName(row),
    cardHint: cardHint(cards),
    phone: row.phone,
    email: row.email,
    birthDate: row.birth_date,
    status: row.status,
    tier: row.tier,
    tierLabel: tierById(program, row.tier)?.label ?? row.tier,
    cards,
    enrolledAt: row.enrolled_at,
    enrolledStore: row.enrolled_store,
    consentMarketing: row.consent_marketing === 1,
    balance: points.balance,
    available: points.available,
    debt: row.debt,
    expiringIn30Days: points.expiringIn30Days,
    birthdayThisMonth: birthMonth !== null && birthMonth === localParts(now, program.timeZone).month,
    confirmedPoints: points.balance - pending,
    pendingPoints: pending,
  };
}
