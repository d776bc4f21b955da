/**
 * Points expiry on the terminal: the rule is shared/loyalty/expiry.ts, this is
 * where the store applies it. A read never writes: what the cashier sees and
 * what a sale is priced on are the member's points as of now (pointsNow), due
 * lots left out. The write paths (sale commit, void, refund, adjustment, pull)
 * call expireDue first, in their own transaction, so the ledger records the
 * expiry before the entries that follow it.
 */
import { dueForExpiry, duePoints, expiringWithin } from '../../../shared/loyalty/expiry.ts';
import type { ReadableDb, WritableDb } from './connection.ts';
import { appendEntry } from './points.ts';
import { prepare } from './statements.ts';

interface HeldLot {
  id: number;
  remaining: number;
  expiresAt: number;
}

/** The member's lots that still hold points, due or not, oldest expiry first (the point_lots_live index). */
function heldLots(db: ReadableDb, memberId: string): HeldLot[] {
  return prepare(
    db,
    'SELECT id, remaining, expires_at AS expiresAt FROM point_lots WHERE member_id = ? AND remaining > 0 ORDER BY expires_at, id',
  ).all(memberId) as HeldLot[];
}

/** Writes an `expire` entry for every lot whose time has come. Idempotent: an expired lot has nothing left. */
export function expireDue(db: WritableDb, memberId: string, now: number): number {
  let total = 0;
  for (const lot of dueForExpiry(heldLots(db, memberId), now)) {
    appendEntry(
      db,
      { memberId, kind: 'expire', points: lot.remaining, ref: `lot:${lot.id}`, reason: 'points expired', now },
      -lot.remaining,
    );
    prepare(db, 'UPDATE point_lots SET remaining = 0 WHERE id = ?').run(lot.id);
    total += lot.remaining;
  }
  return total;
}

export interface PointsNow {
  /** The cached balance less the points due: what it is once the next write expires them. */
  balance: number;
  /** Points that can be spent now: live lot remainders, net of any recorded debt. */
  available: number;
  expiringIn30Days: number;
}

/** A member's points as of `now`, without writing. */
export function pointsNow(db: ReadableDb, member: { id: string; balance: number; debt: number }, now: number): PointsNow {
  const lots = heldLots(db, member.id);
  const due = duePoints(lots, now);
  const live = lots.reduce((sum, l) => sum + l.remaining, 0) - due;
  return { balance: member.balance - due, available: Math.max(0, live - member.debt), expiringIn30Days: expiringWithin(lots, now, 30) };
}
