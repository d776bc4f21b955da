import type { Member } from '../../../shared/api.ts';
import type { ProgramConfig } from '../../../shared/program.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';
import { expiringWithin } from '../../../shared/loyalty/lots.ts';
import { tierById } from '../../../shared/loyalty/tiers.ts';
import type { Db } from '../store/connection.ts';
import { cardsOf, type MemberRow } from '../store/members.ts';
import { unacknowledgedPoints } from '../store/outbox.ts';
import { liveLots } from '../store/points.ts';

/** Points a member can spend now: live lot remainders, net of any recorded debt. */
export function availablePoints(lotRemainders: number, debt: number): number {
  return Math.max(0, lotRemainders - debt);
}

/** What the cashier sees of a member: balance, what can be spent, what expires soon. */
export function memberView(db: Db, row: MemberRow, program: ProgramConfig, now: number): Member {
  const lots = liveLots(db, row.id, now);
  const live = lots.reduce((sum, l) => sum + l.remaining, 0);
  // Pending = this terminal's events the server has not acknowledged; the rest of the balance is confirmed.
  const pending = unacknowledgedPoints(db, row.id);
  const birthMonth = row.birth_date === null ? null : Number(row.birth_date.slice(5, 7));
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    birthDate: row.birth_date,
    status: row.status,
    tier: row.tier,
    tierLabel: tierById(program, row.tier)?.label ?? row.tier,
    cards: cardsOf(db, row.id),
    enrolledAt: row.enrolled_at,
    enrolledStore: row.enrolled_store,
    consentMarketing: row.consent_marketing === 1,
    balance: row.balance,
    available: availablePoints(live, row.debt),
    debt: row.debt,
    expiringIn30Days: expiringWithin(lots, now, 30),
    birthdayThisMonth: birthMonth !== null && birthMonth === localParts(now, program.timeZone).month,
    confirmedPoints: row.balance - pending,
    pendingPoints: pending,
  };
}
