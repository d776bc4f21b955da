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
export function correctionLots(
  points: number,
  serverLots: readonly ServerLot[],
  now: number,
  fallbackExpiry: number,
): { points: number; expiresAt: number }[] {
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

/** While this terminal has events the server has not applied, its own tier may be ahead of the server's: it keeps it until they are. */
export function keepsLocalTier(pendingPoints: number): boolean {
  return pendingPoints !== 0;
}

/** What a held member's ledger needs after a pull: nothing, a credit in these lots, or a debit (which may leave a debt). */
export type BalanceCorrection =
  { kind: 'none' } | { kind: 'credit'; lots: { points: number; expiresAt: number }[] } | { kind: 'debit'; points: number };

export interface PulledBalance {
  balance: number;
  lots: readonly ServerLot[];
}

/**
 * The correction of a member this terminal holds, from its cached balance
 * (after its own due lots expired) to the server's plus its pending points.
 * Points another terminal spent, or the server expired, are a debit (oldest
 * lots first; below zero is a debt, as on the server).
 */
export function balanceCorrection(
  localBalance: number,
  server: PulledBalance,
  pendingPoints: number,
  now: number,
  fallbackExpiry: number,
): BalanceCorrection {
  const delta = targetBalance(serverBalanceAt(server.balance, server.lots, now), pendingPoints) - localBalance;
  if (delta === 0) return { kind: 'none' };
  if (delta > 0) return { kind: 'credit', lots: correctionLots(delta, server.lots, now, fallbackExpiry) };
  return { kind: 'debit', points: -delta };
}

/**
 * The opening balance of a member this terminal never held: no local event
 * can name it (it would have needed the member), so nothing is pending and
 * the balance is the server's, in the server's lots as they are.
 */
export function openingBalance(
  server: PulledBalance,
  now: number,
  fallbackExpiry: number,
): { points: number; lots: { points: number; expiresAt: number }[] } {
  const points = serverBalanceAt(server.balance, server.lots, now);
  return { points, lots: correctionLots(points, server.lots, now, fallbackExpiry) };
}
