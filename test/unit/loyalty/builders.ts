/** Small builders for loyalty engine tests: instants, basket lines, members. */
import type { BasketLine, MemberState } from '../../../shared/loyalty/types.ts';

/** An instant from an ISO-like UTC string: at('2025-03-29T22:30') */
export function at(isoUtc: string): number {
  const ms = Date.parse(`${isoUtc}${isoUtc.length <= 16 ? ':00' : ''}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${isoUtc}`);
  return ms;
}

export const DAY = 86_400_000;

/** A wednesday morning in Paris with no promotion running (2025-03-12 11:00 local). */
export const QUIET_WEDNESDAY = at('2025-03-12T10:00');

export function line(lineNo: number, category: string, unitPriceMinor: number, quantity = 1, sku: string | null = null): BasketLine {
  return { lineNo, sku, category, quantity, unitPriceMinor, amountMinor: unitPriceMinor * quantity };
}

/** An earn line as computeEarn takes it: what was paid for it. */
export function paid(lineNo: number, category: string, paidMinor: number, sku: string | null = null) {
  return { lineNo, sku, category, paidMinor };
}

export function member(overrides: Partial<MemberState> = {}): MemberState {
  return {
    id: 'm-1',
    status: 'active',
    tier: 'bronze',
    birthday: '07-14',
    enrolledAt: at('2024-01-10T12:00'),
    referredBy: null,
    birthdayBonusYear: null,
    purchaseCount: 3,
    recentPurchaseTimes: [],
    balance: 0,
    available: 0,
    ...overrides,
  };
}
