/**
 * The offline redemption policy, pure. Without an online hold the server
 * cannot vouch for a member's points (another till may be spending them), so
 * a terminal lets through at most a capped amount per member and per terminal
 * per store-local day; beyond it only a manager's PIN does. The server still
 * applies the sale and flags any overdraft.
 */
import { localDayRange } from '../reports/day-range.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';

export interface OfflineCaps {
  /** Points one member may redeem without a hold per store-local day. */
  memberPerDay: number;
  /** Points this terminal may let through without a hold per store-local day. */
  terminalPerDay: number;
}

export type OfflineRefusal = 'member_daily_cap' | 'terminal_daily_cap';

export interface OfflineVerdict {
  allowed: boolean;
  reason: OfflineRefusal | null;
  /** What may still be redeemed today without an override (before this redemption). */
  capRemaining: number;
}

export function judgeOfflineRedemption(points: number, used: { member: number; terminal: number }, caps: OfflineCaps): OfflineVerdict {
  const memberLeft = Math.max(0, caps.memberPerDay - used.member);
  const terminalLeft = Math.max(0, caps.terminalPerDay - used.terminal);
  const capRemaining = Math.min(memberLeft, terminalLeft);
  if (points > memberLeft) return { allowed: false, reason: 'member_daily_cap', capRemaining };
  if (points > terminalLeft) return { allowed: false, reason: 'terminal_daily_cap', capRemaining };
  return { allowed: true, reason: null, capRemaining };
}

/** Start of the store-local day containing `now`. */
export function storeDayStart(now: number, timeZone: string): number {
  return localDayRange(localParts(now, timeZone).date, timeZone).start;
}

export const REFUSAL_MESSAGES: Record<OfflineRefusal | 'override_refused', string> = {
  member_daily_cap:
    "The loyalty server cannot be reached and this member's offline redemption limit for today is used up. A manager can allow it.",
  terminal_daily_cap:
    "The loyalty server cannot be reached and this terminal's offline redemption limit for today is used up. A manager can allow it.",
  override_refused: 'The manager PIN was not accepted.',
};
