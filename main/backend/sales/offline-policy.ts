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
  const { memberLeft, terminalLeft, remaining: capRemaining } = offlineAllowance(used, caps);
  if (points > memberLeft) return { allowed: false, reason: 'member_daily_cap', capRemaining };
  if (points > terminalLeft) return { allowed: false, reason: 'terminal_daily_cap', capRemaining };
  return { allowed: true, reason: null, capRemaining };
}

export interface OfflineAllowance {
  memberLeft: number;
  terminalLeft: number;
  /** What may still be redeemed today without an override: the smaller of the two. */
  remaining: number;
  /** Which cap is the smaller one (the member's when they are equal). */
  limitedBy: 'member' | 'terminal';
}

/** What is left of today's offline caps for one member at this terminal. */
export function offlineAllowance(used: { member: number; terminal: number }, caps: OfflineCaps): OfflineAllowance {
  const memberLeft = Math.max(0, caps.memberPerDay - used.member);
  const terminalLeft = Math.max(0, caps.terminalPerDay - used.terminal);
  return {
    memberLeft,
    terminalLeft,
    remaining: Math.min(memberLeft, terminalLeft),
    limitedBy: memberLeft <= terminalLeft ? 'member' : 'terminal',
  };
}

/** The engine's redemption limits as the checkout shows them while offline: only what needs no override is offered. */
export interface OfflineLimits {
  remaining: number;
  limitedBy: 'member' | 'terminal';
  /** The most points (in whole steps, within the engine's limits) redeemable now without a manager's PIN; 0 when none. */
  maxWithoutOverride: number;
}

export function offlineLimits(
  limits: { minPoints: number; maxPoints: number; stepPoints: number },
  allowance: OfflineAllowance,
): OfflineLimits {
  const stepped = Math.floor(Math.min(limits.maxPoints, allowance.remaining) / limits.stepPoints) * limits.stepPoints;
  return {
    remaining: allowance.remaining,
    limitedBy: allowance.limitedBy,
    maxWithoutOverride: stepped >= limits.minPoints ? stepped : 0,
  };
}

/**
 * Whether a redemption would be judged offline now (no online hold): the terminal is paired and
 * its last sync round failed. While a round runs ("syncing") the last settled answer stands, so
 * the checkout's offer does not flicker with every attempt.
 */
export function judgedOffline(
  status: { paired: boolean; state: 'online' | 'offline' | 'syncing' | 'error'; lastSuccessAt: number | null },
  lastSettled: boolean | undefined,
): boolean {
  if (!status.paired) return false;
  if (status.state === 'online') return false;
  if (status.state === 'offline' || status.state === 'error') return true;
  return lastSettled ?? status.lastSuccessAt === null;
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
