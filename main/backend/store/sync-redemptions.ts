import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

/**
 * Online holds this terminal placed, and the redemptions it made without one
 * (what the offline caps count). Both change only inside write transactions.
 */

export interface HoldRow {
  hold_id: string;
  member_id: string;
  points: number;
  status: 'active' | 'posted' | 'released';
  sale_id: string | null;
  created_at: number;
  expires_at: number;
}

export function recordHold(db: WritableDb, h: { holdId: string; memberId: string; points: number; now: number; expiresAt: number }): void {
  prepare(
    db,
    `INSERT INTO redemption_holds (hold_id, member_id, points, status, created_at, expires_at) VALUES (?, ?, ?, 'active', ?, ?)
     ON CONFLICT (hold_id) DO UPDATE SET expires_at = excluded.expires_at WHERE status = 'active'`,
  ).run(h.holdId, h.memberId, h.points, h.now, h.expiresAt);
}

export function holdById(db: ReadableDb, holdId: string): HoldRow | undefined {
  return prepare(db, 'SELECT * FROM redemption_holds WHERE hold_id = ?').get(holdId) as HoldRow | undefined;
}

/** An active, unexpired hold of this member covering at least `points`. */
export function usableHold(db: ReadableDb, holdId: string, memberId: string, points: number, now: number): boolean {
  const h = holdById(db, holdId);
  return h !== undefined && h.status === 'active' && h.member_id === memberId && h.points >= points && h.expires_at > now;
}

export function markHoldPosted(db: WritableDb, holdId: string, saleId: string): void {
  prepare(db, "UPDATE redemption_holds SET status = 'posted', sale_id = ? WHERE hold_id = ?").run(saleId, holdId);
}

export function markHoldReleased(db: WritableDb, holdId: string): void {
  prepare(db, "UPDATE redemption_holds SET status = 'released' WHERE hold_id = ? AND status = 'active'").run(holdId);
}

export function holdOfSale(db: ReadableDb, saleId: string): string | undefined {
  return prepare(db, 'SELECT hold_id FROM redemption_holds WHERE sale_id = ?').pluck().get(saleId) as string | undefined;
}

export function insertOfflineRedemption(
  db: WritableDb,
  r: { saleId: string; memberId: string; points: number; at: number; overrideStaffId: string | null },
): void {
  prepare(db, 'INSERT INTO offline_redemptions (sale_id, member_id, points, at, override_staff_id) VALUES (?, ?, ?, ?, ?)').run(
    r.saleId,
    r.memberId,
    r.points,
    r.at,
    r.overrideStaffId,
  );
}

/** Points redeemed without a hold since `since` by a member (or by anyone: memberId null), voided sales excluded. */
export function offlineRedeemedSince(db: ReadableDb, memberId: string | null, since: number): number {
  if (memberId === null) {
    return prepare(
      db,
      "SELECT coalesce(sum(o.points), 0) FROM offline_redemptions o JOIN sales s ON s.id = o.sale_id WHERE o.at >= ? AND s.status = 'completed'",
    )
      .pluck()
      .get(since) as number;
  }
  return prepare(
    db,
    "SELECT coalesce(sum(o.points), 0) FROM offline_redemptions o JOIN sales s ON s.id = o.sale_id WHERE o.member_id = ? AND o.at >= ? AND s.status = 'completed'",
  )
    .pluck()
    .get(memberId, since) as number;
}
