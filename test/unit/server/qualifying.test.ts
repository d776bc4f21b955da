import { describe, expect, it } from 'vitest';
import { addMonths } from '../../../shared/loyalty/local-time.ts';
import { needsExactQualifying, qualifyingGains } from '../../../server/apply/qualifying.ts';
import type { MemberRow } from '../../../server/store/member-rows.ts';
import type { SyncEvent } from '../../../shared/sync-protocol.ts';
import { demoProgram } from '../../fixtures/program.ts';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const ENROLLED = addMonths(NOW, -5);

function member(fields: Partial<MemberRow>): MemberRow {
  return {
    id: 'm',
    status: 'active',
    name: '',
    phone: null,
    email: null,
    birth_date: null,
    consent_marketing: false,
    referred_by: null,
    enrolled_store: 's',
    enrolled_at: ENROLLED,
    tier: 'bronze',
    tier_reviewed_at: null,
    balance: 0,
    qualifying_bound: 0,
    tier_before: null,
    tier_changed_at: null,
    credit_day: null,
    credited_today: 0,
    purchase_count: 0,
    purchase_recent: [],
    created_at: ENROLLED,
    updated_at: ENROLLED,
    ...fields,
  };
}

function sale(memberId: string, qualifying: number, createdAt: number): SyncEvent {
  return {
    id: `e-${Math.random()}`,
    seq: 1,
    kind: 'sale.committed',
    createdAt,
    payload: {
      saleId: 's',
      memberId,
      storeId: 's',
      staffId: 'x',
      createdAt,
      totalMinor: 0,
      paidMinor: 0,
      pointsEarned: qualifying,
      pointsRedeemed: 0,
      holdId: null,
      rewardId: null,
      programVersion: 1,
      ledger: [{ memberId, kind: 'earn', points: qualifying, qualifying }],
    },
  } as SyncEvent;
}

describe('which members a batch must sum the ledger for', () => {
  // demoProgram: bronze 0, silver 500, gold 2000, platinum 5000.
  it('skips a member whose bound plus the batch stays below the next threshold', () => {
    expect(needsExactQualifying(member({ qualifying_bound: 300 }), 199, demoProgram, NOW)).toBe(false);
    expect(needsExactQualifying(member({ qualifying_bound: 300 }), 200, demoProgram, NOW)).toBe(true);
  });

  it('always sums an unknown bound and a due anniversary review', () => {
    expect(needsExactQualifying(member({ qualifying_bound: null }), 0, demoProgram, NOW)).toBe(true);
    const enrolledLastYear = addMonths(NOW, -13);
    expect(needsExactQualifying(member({ enrolled_at: enrolledLastYear, qualifying_bound: 0 }), 0, demoProgram, NOW)).toBe(true);
    expect(
      needsExactQualifying(
        member({ enrolled_at: enrolledLastYear, tier_reviewed_at: addMonths(enrolledLastYear, 12), qualifying_bound: 0 }),
        0,
        demoProgram,
        NOW,
      ),
    ).toBe(false);
  });

  it('never sums for the top tier outside a review', () => {
    expect(needsExactQualifying(member({ tier: 'platinum', qualifying_bound: 90_000 }), 5_000, demoProgram, NOW)).toBe(false);
  });

  it('counts only entries inside the window, judged at the event time and never after now', () => {
    const start = addMonths(NOW, -12);
    const gains = qualifyingGains(
      [sale('a', 40, NOW - 1000), sale('a', 10, start - 1), sale('b', 7, NOW + 86_400_000), sale('a', -5, start)],
      NOW,
      start,
    );
    expect(Object.fromEntries(gains)).toEqual({ a: 35, b: 7 });
  });
});
