import { describe, expect, it } from 'vitest';
import { birthdayBonus, enrolmentBonus, nthPurchaseBonus, referralBonuses, saleBonuses } from '../../../shared/loyalty/bonuses.ts';
import { demoProgram, programWith } from '../../fixtures/program.ts';
import { at, DAY, member, QUIET_WEDNESDAY } from './builders.ts';

const program = demoProgram;

describe('enrolment bonus', () => {
  it('gives the configured 100 points with an explanation', () => {
    expect(enrolmentBonus(program)).toEqual({ rule: 'bonus:enrolment', label: 'Welcome bonus', points: 100 });
  });

  it('is absent when set to 0', () => {
    expect(enrolmentBonus(programWith({ bonuses: { enrolment: 0 } }))).toBeNull();
  });
});

describe('birthday bonus (200, once per store-local year, in the birth month)', () => {
  it('is given in the birth month', () => {
    const b = birthdayBonus({ program, member: member({ birthday: '03-05' }), now: QUIET_WEDNESDAY });
    expect(b).toEqual({
      kind: 'birthday',
      memberId: 'm-1',
      points: 200,
      explanation: {
        rule: 'bonus:birthday',
        label: 'Birthday bonus',
        points: 200,
        detail: 'birthday month 2025',
        params: { year: 2025 },
      },
    });
  });

  it('only once a year: not again when already given this year, again the next year', () => {
    expect(birthdayBonus({ program, member: member({ birthday: '03-05', birthdayBonusYear: 2025 }), now: QUIET_WEDNESDAY })).toBeNull();
    expect(birthdayBonus({ program, member: member({ birthday: '03-05', birthdayBonusYear: 2024 }), now: QUIET_WEDNESDAY })?.points).toBe(
      200,
    );
  });

  it('not outside the birth month, nor without a birth date', () => {
    expect(birthdayBonus({ program, member: member({ birthday: '04-01' }), now: QUIET_WEDNESDAY })).toBeNull();
    expect(birthdayBonus({ program, member: member({ birthday: null }), now: QUIET_WEDNESDAY })).toBeNull();
  });

  it('new year in Paris comes an hour before UTC: 31 Dec 23:30 UTC is January 2025 in the store', () => {
    const newYear = at('2024-12-31T23:30');
    // Given last January (2024): January 2025 in Paris gives it again.
    expect(
      birthdayBonus({ program, member: member({ birthday: '01-20', birthdayBonusYear: 2024 }), now: newYear })?.explanation.detail,
    ).toBe('birthday month 2025');
    expect(birthdayBonus({ program, member: member({ birthday: '01-20', birthdayBonusYear: 2025 }), now: newYear })).toBeNull();
    // A December birthday is over in Paris, though it is still December in UTC.
    expect(birthdayBonus({ program, member: member({ birthday: '12-20' }), now: newYear })).toBeNull();
  });

  it('a 29 February birthday is a February birthday, in any year', () => {
    expect(birthdayBonus({ program, member: member({ birthday: '02-29' }), now: at('2025-02-10T12:00') })?.points).toBe(200);
  });
});

describe('nth purchase bonus (5th purchase within 30 days → 50)', () => {
  const now = QUIET_WEDNESDAY;

  it('the 5th purchase within the window earns it', () => {
    const times = [now - 29 * DAY, now - 10 * DAY, now - 2 * DAY, now - 60_000];
    expect(nthPurchaseBonus({ program, member: member({ recentPurchaseTimes: times }), now })).toMatchObject({
      kind: 'nth_purchase',
      points: 50,
      explanation: { rule: 'bonus:nth_purchase', points: 50, detail: '5 purchases within 30 days' },
    });
  });

  it('not when one of the four earlier purchases is exactly 30 days old', () => {
    const times = [now - 30 * DAY, now - 10 * DAY, now - 2 * DAY, now - 60_000];
    expect(nthPurchaseBonus({ program, member: member({ recentPurchaseTimes: times }), now })).toBeNull();
    times[0] = now - 30 * DAY + 1;
    expect(nthPurchaseBonus({ program, member: member({ recentPurchaseTimes: times }), now })).not.toBeNull();
  });

  it('not on the 4th purchase', () => {
    expect(nthPurchaseBonus({ program, member: member({ recentPurchaseTimes: [now - DAY, now - DAY, now - DAY] }), now })).toBeNull();
  });

  it('not when the programme has none', () => {
    const none = programWith({ bonuses: { nthPurchase: null } });
    expect(
      nthPurchaseBonus({ program: none, member: member({ recentPurchaseTimes: [1, 2, 3, 4, 5].map((d) => now - d * DAY) }), now }),
    ).toBeNull();
  });
});

describe('referral bonus (referrer 150, referee 100) on the first purchase', () => {
  it('rewards both the new member and the referrer', () => {
    const awards = referralBonuses({ program, member: member({ referredBy: 'm-friend', purchaseCount: 0 }) });
    expect(awards.map(({ kind, memberId, points }) => ({ kind, memberId, points }))).toEqual([
      { kind: 'referral_referee', memberId: 'm-1', points: 100 },
      { kind: 'referral_referrer', memberId: 'm-friend', points: 150 },
    ]);
  });

  it('only on the first purchase, only when referred', () => {
    expect(referralBonuses({ program, member: member({ referredBy: 'm-friend', purchaseCount: 1 }) })).toEqual([]);
    expect(referralBonuses({ program, member: member({ referredBy: null, purchaseCount: 0 }) })).toEqual([]);
  });

  it('skips a zero-point side', () => {
    const p = programWith({ bonuses: { referral: { referrer: 150, referee: 0 } } });
    expect(referralBonuses({ program: p, member: member({ referredBy: 'm-friend', purchaseCount: 0 }) }).map((a) => a.kind)).toEqual([
      'referral_referrer',
    ]);
  });
});

describe('saleBonuses', () => {
  const everything = member({
    birthday: '03-05',
    referredBy: 'm-friend',
    purchaseCount: 0,
    recentPurchaseTimes: [1, 2, 3, 4].map((d) => QUIET_WEDNESDAY - d * DAY),
  });

  it('gathers every bonus of a qualifying sale', () => {
    const kinds = saleBonuses({ program, member: everything, now: QUIET_WEDNESDAY, qualifying: true }).map((b) => b.kind);
    expect(kinds).toEqual(['birthday', 'nth_purchase', 'referral_referee', 'referral_referrer']);
  });

  it('none for a sale that does not qualify for points, a blocked member or no member', () => {
    expect(saleBonuses({ program, member: everything, now: QUIET_WEDNESDAY, qualifying: false })).toEqual([]);
    expect(saleBonuses({ program, member: { ...everything, status: 'blocked' }, now: QUIET_WEDNESDAY, qualifying: true })).toEqual([]);
    expect(saleBonuses({ program, member: null, now: QUIET_WEDNESDAY, qualifying: true })).toEqual([]);
  });
});
