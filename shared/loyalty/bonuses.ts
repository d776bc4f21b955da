/**
 * Bonus points outside the earn rate.
 *
 * Sale bonuses (birthday, nth purchase, referral) need an active member and a
 * QUALIFYING sale: the same test as earning (earn-rules.ts: eligible paid amount
 * positive and at least minSpend). So a basket too small — or only tobacco — to
 * earn points does not trigger a bonus either, and cannot be used to farm one.
 * The store counts only qualifying sales in purchaseCount and
 * recentPurchaseTimes, so a first small sale does not use up the referral.
 * Zero-point bonuses are skipped.
 */
import type { ProgramConfig } from '../program.ts';
import { localParts } from './local-time.ts';
import type { BonusAward, Explanation, MemberState } from './types.ts';

const DAY_MS = 86_400_000;

export function enrolmentBonus(program: ProgramConfig): Explanation | null {
  const points = program.bonuses.enrolment;
  return points > 0 ? { rule: 'bonus:enrolment', label: 'Welcome bonus', points } : null;
}

/**
 * Once per store-local year, in the member's birth month (store-local month of
 * `now`). A Feb 29 birthday is simply month 2. Store birthdayBonusYear =
 * localParts(now, timeZone).year when this is committed.
 */
export function birthdayBonus(args: { program: ProgramConfig; member: MemberState; now: number }): BonusAward | null {
  const { program, member, now } = args;
  const points = program.bonuses.birthday;
  if (points <= 0 || member.birthday === null) return null;
  const local = localParts(now, program.timeZone);
  if (Number(member.birthday.slice(0, 2)) !== local.month || member.birthdayBonusYear === local.year) return null;
  return award('birthday', member.id, points, 'Birthday bonus', `birthday month ${local.year}`, { year: local.year });
}

/**
 * The nth purchase within withinDays (this one included) earns a bonus. The
 * store passes only purchases after the last such bonus, so the count restarts.
 */
export function nthPurchaseBonus(args: { program: ProgramConfig; member: MemberState; now: number }): BonusAward | null {
  const { program, member, now } = args;
  const rule = program.bonuses.nthPurchase;
  if (rule === null) return null;
  const windowStart = now - rule.withinDays * DAY_MS;
  const count = member.recentPurchaseTimes.filter((t) => t > windowStart).length + 1;
  if (count < rule.n) return null;
  return award('nth_purchase', member.id, rule.points, `Purchase ${rule.n} bonus`, `${count} purchases within ${rule.withinDays} days`, {
    n: rule.n,
    count,
    withinDays: rule.withinDays,
  });
}

/** A referred member's first purchase rewards both the member and the referrer. */
export function referralBonuses(args: { program: ProgramConfig; member: MemberState }): BonusAward[] {
  const { program, member } = args;
  const rule = program.bonuses.referral;
  if (rule === null || member.referredBy === null || member.referredBy === member.id || member.purchaseCount !== 0) return [];
  const awards: BonusAward[] = [];
  if (rule.referee > 0)
    awards.push(award('referral_referee', member.id, rule.referee, 'Referral welcome bonus', 'first purchase after referral'));
  if (rule.referrer > 0) {
    awards.push(
      award('referral_referrer', member.referredBy, rule.referrer, 'Referral bonus for the referrer', `referred member ${member.id}`),
    );
  }
  return awards;
}

/** Every bonus a sale earns, given whether it qualifies (see the top of this file). */
export function saleBonuses(args: { program: ProgramConfig; member: MemberState | null; now: number; qualifying: boolean }): BonusAward[] {
  const { program, member, now, qualifying } = args;
  if (member === null || member.status !== 'active' || !qualifying) return [];
  return [
    birthdayBonus({ program, member, now }),
    nthPurchaseBonus({ program, member, now }),
    ...referralBonuses({ program, member }),
  ].filter((b): b is BonusAward => b !== null);
}

function award(
  kind: BonusAward['kind'],
  memberId: string,
  points: number,
  label: string,
  detail: string,
  params?: Explanation['params'],
): BonusAward {
  return { kind, memberId, points, explanation: { rule: `bonus:${kind}`, label, points, detail, ...(params && { params }) } };
}

/** 'MM-DD' of a 'YYYY-MM-DD' birth date: all the birthday bonus needs, and all a till outside the member's scope holds. */
export function birthdayOf(birthDate: string | null): string | null {
  return birthDate !== null && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? birthDate.slice(5) : null;
}
