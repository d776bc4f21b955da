/**
 * A member's points in memory while a batch (or an expiry run) is applied:
 * balance, live lots and the ledger rows to write. Pure: no I/O, no clock.
 *
 * Rules match the terminal's (shared/loyalty/lots.ts, imported rather than
 * duplicated): new points first pay off a debt, the rest becomes a lot; debits
 * take from the lot that expires first; a shortfall becomes a debt (a negative
 * balance). So balance = sum of live lots when it is ≥ 0, and a member in debt
 * has no live lots. Expiry is expiry.ts.
 *
 * A debit spends the lots that were alive at its own time, even those the
 * expiry has emptied since (an offline redemption that arrives after the
 * expiry job): what it takes of them is first restored by an 'expire' entry
 * of positive points, so no point is both expired and spent, and the result
 * does not depend on whether the job ran before the late event arrived.
 */
import { consumeLots, creditPoints } from '../../shared/loyalty/lots.ts';

export type ServerLedgerKind = 'earn' | 'redeem' | 'bonus' | 'reverse' | 'adjust' | 'expire';

export interface LotState {
  /** Database id; negative for a lot made in this batch (not yet inserted). */
  id: number;
  remaining: number;
  /** null = never expires. */
  expiresAt: number | null;
  createdAt: number;
  /** Points the expiry took out of this lot (remaining is then 0); a late debit may restore them. */
  expired: number;
  changed: boolean;
}

export interface LedgerRowOut {
  member_id: string;
  event_id: string | null;
  kind: ServerLedgerKind;
  points: number;
  qualifying: number;
  created_at: number;
  applied_at: number;
  reason: string | null;
}

export interface PointsState {
  memberId: string;
  balance: number;
  lots: LotState[];
  /** Qualifying points counted in the tier window (entries at or after windowStart). */
  qualifying: number;
}

export interface PointsWriter {
  ledger: LedgerRowOut[];
  nextLotId: () => number;
  appliedAt: number;
}

export interface EntryIn {
  kind: Exclude<ServerLedgerKind, 'expire'>;
  points: number;
  qualifying: number;
  /** For a credit: when its lot expires (null = never). */
  expiresAt: number | null;
  reason: string | null;
}

/** Applies one ledger entry; returns the balance after it. */
export function applyEntry(
  state: PointsState,
  entry: EntryIn,
  eventId: string,
  createdAt: number,
  countsForTier: boolean,
  out: PointsWriter,
): number {
  if (entry.points > 0) {
    const { lotPoints } = creditPoints(Math.max(0, -state.balance), entry.points);
    if (lotPoints > 0)
      state.lots.push({ id: out.nextLotId(), remaining: lotPoints, expiresAt: entry.expiresAt, createdAt, expired: 0, changed: true });
  } else {
    spendLotsAliveAt(state, -entry.points, createdAt, out);
  }
  state.balance += entry.points;
  if (countsForTier) state.qualifying += entry.qualifying;
  out.ledger.push({
    member_id: state.memberId,
    event_id: eventId,
    kind: entry.kind,
    points: entry.points,
    qualifying: entry.qualifying,
    created_at: createdAt,
    applied_at: out.appliedAt,
    reason: entry.reason,
  });
  return state.balance;
}

/** Whether the lot was alive at `at`: not yet at its expiry instant then (shared/loyalty/expiry.ts). */
function aliveAt(lot: LotState, at: number): boolean {
  return lot.expiresAt === null || lot.expiresAt > at;
}

/**
 * Takes `points` from the lots alive at `at`, earliest expiry first (the
 * terminal's rule, shared/loyalty/lots.ts). Points taken from a lot the
 * expiry has emptied since are restored first: an 'expire' entry of positive
 * points, dated at the spend. A shortfall is left to the caller's balance (a debt).
 */
function spendLotsAliveAt(state: PointsState, points: number, at: number, out: PointsWriter): void {
  const candidates = state.lots
    .filter((l) => l.remaining > 0 || (l.expired > 0 && aliveAt(l, at)))
    .map((l) => ({
      id: l.id,
      remaining: l.remaining + (aliveAt(l, at) ? l.expired : 0),
      earnedAt: l.createdAt,
      expiresAt: l.expiresAt ?? Number.MAX_SAFE_INTEGER,
    }));
  let restored = 0;
  for (const take of consumeLots(candidates, points).takes) {
    const lot = state.lots.find((l) => l.id === take.lotId)!;
    const fromRemaining = Math.min(lot.remaining, take.points);
    const fromExpired = take.points - fromRemaining;
    lot.remaining -= fromRemaining;
    lot.expired -= fromExpired;
    restored += fromExpired;
    lot.changed = true;
  }
  if (restored === 0) return;
  state.balance += restored;
  out.ledger.push({
    member_id: state.memberId,
    event_id: null,
    kind: 'expire',
    points: restored,
    qualifying: 0,
    created_at: at,
    applied_at: out.appliedAt,
    reason: 'expiry undone: spent before it expired',
  });
}
