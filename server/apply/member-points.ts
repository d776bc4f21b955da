/**
 * A member's points in memory while a batch (or an expiry run) is applied:
 * balance, live lots and the ledger rows to write. Pure: no I/O, no clock.
 *
 * Rules match the terminal's (shared/loyalty/lots.ts, imported rather than
 * duplicated): new points first pay off a debt, the rest becomes a lot; debits
 * take from the lot that expires first; a shortfall becomes a debt (a negative
 * balance). So balance = sum of live lots when it is ≥ 0, and a member in debt
 * has no live lots. Expiry is expiry.ts.
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
    if (lotPoints > 0) state.lots.push({ id: out.nextLotId(), remaining: lotPoints, expiresAt: entry.expiresAt, createdAt, changed: true });
  } else {
    const live = state.lots.map((l) => ({
      id: l.id,
      remaining: l.remaining,
      earnedAt: l.createdAt,
      expiresAt: l.expiresAt ?? Number.MAX_SAFE_INTEGER,
    }));
    const { takes } = consumeLots(live, -entry.points);
    for (const take of takes) {
      const lot = state.lots.find((l) => l.id === take.lotId)!;
      lot.remaining -= take.points;
      lot.changed = true;
    }
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
