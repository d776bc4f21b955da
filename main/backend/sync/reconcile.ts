/**
 * Balance reconciliation after a pull, pure arithmetic. The terminal shows
 * the server's balance plus the effect of its own events the server had not
 * applied when it answered (seq > terminalAppliedSeq). When the cached local
 * balance differs, a 'sync' ledger entry corrects it: the ledger stays
 * append-only and the difference is explained rather than overwritten.
 */
import { duePoints, isDue } from '../../../shared/loyalty/expiry.ts';

export interface ServerLot {
  remaining: number;
  /** null = never expires. */
  expiresAt: number | null;
}

/** A lot expiry the terminal can store for "never" (point_lots.expires_at is NOT NULL). */
export const NEVER_EXPIRES = 8.64e15;

/**
 * The balance the server will hold once its expiry job has run at `now`: lots
 * already due still count in a pulled balance until that job runs, and the
 * terminal has expired them locally, so they are taken out here.
 */
export function serverBalanceAt(balance: number, lots: readonly ServerLot[], now: number): number {
  return balance - duePoints(lots, now);
}

/** What the terminal should show: the server's balance plus its own unapplied events. */
export function targetBalance(serverBalance: number, pendingPoints: number): number {
  return serverBalance + pendingPoints;
}

/**
 * How a positive correction becomes lots: the missing points are the server's
 * newest, so they fill the server's latest-expiring live lots first (a member
 * pulled for the first time gets the server's lots as they are). Points beyond
 * the server's lots (pending credits of this terminal) expire at `fallbackExpiry`.
 */
export function correctionLots(points: number, serverLots: readonly ServerLot[], now: number, fallbackExpiry: number): { points: number; expiresAt: number }[] {
  if (points <= 0) return [];
  const live = serverLots
    .filter((l) => l.remaining > 0 && !isDue(l, now))
    .map((l) => ({ remaining: l.remaining, expiresAt: l.expiresAt ?? NEVER_EXPIRES }))
    .sort((a, b) => b.expiresAt - a.expiresAt);
  const out: { points: number; expiresAt: number }[] = [];
  let left = points;
  for (const l of live) {
    if (left === 0) break;
    const take = Math.min(left, l.remaining);
    const last = out[out.length - 1];
    if (last !== undefined && last.expiresAt === l.expiresAt) last.points += take;
    else out.push({ points: take, expiresAt: l.expiresAt });
    left -= take;
  }
  if (left > 0) out.push({ points: left, expiresAt: fallbackExpiry });
  // Oldest expiry first, as lots are read.
  return out.sort((a, b) => a.expiresAt - b.expiresAt);
}
