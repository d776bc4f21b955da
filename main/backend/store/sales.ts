import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

export interface SaleRow {
  id: string;
  member_id: string | null;
  staff_id: string;
  store_id: string;
  program_version: number;
  created_at: number;
  total_minor: number;
  discount_minor: number;
  paid_minor: number;
  points_earned: number;
  points_redeemed: number;
  reward_id: string | null;
  status: 'completed' | 'voided';
  voided_at: number | null;
  result: string;
  /** The till that made the sale when it was another till of this store (fetched to refund it here); null: made here. */
  origin_terminal_id: string | null;
  /** For a sale of another till: when the points it earned expire (its ledger entries are not on this terminal). */
  earn_expires_at: number | null;
  /** Earned points its refunds and void left alone because they had expired. */
  points_expired_kept: number;
}

export interface SaleLineRow {
  sale_id: string;
  line_no: number;
  sku: string | null;
  category: string;
  description: string;
  quantity: number;
  unit_price_minor: number;
  amount_minor: number;
  discount_minor: number;
  paid_minor: number;
  earn_points: number;
  redeemed_points: number;
  refunded_quantity: number;
}

export function saleById(db: ReadableDb, id: string): SaleRow | undefined {
  return prepare(db, 'SELECT * FROM sales WHERE id = ?').get(id) as SaleRow | undefined;
}

export function linesOf(db: ReadableDb, saleId: string): SaleLineRow[] {
  return prepare(db, 'SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no').all(saleId) as SaleLineRow[];
}

export function insertSale(
  db: WritableDb,
  s: Omit<SaleRow, 'status' | 'voided_at' | 'origin_terminal_id' | 'earn_expires_at' | 'points_expired_kept'>,
  lines: Omit<SaleLineRow, 'sale_id' | 'refunded_quantity'>[],
): void {
  prepare(
    db,
    `INSERT INTO sales (id, member_id, staff_id, store_id, program_version, created_at, total_minor, discount_minor, paid_minor,
       points_earned, points_redeemed, reward_id, status, result)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?)`,
  ).run(
    s.id,
    s.member_id,
    s.staff_id,
    s.store_id,
    s.program_version,
    s.created_at,
    s.total_minor,
    s.discount_minor,
    s.paid_minor,
    s.points_earned,
    s.points_redeemed,
    s.reward_id,
    s.result,
  );
  const line = prepare(
    db,
    `INSERT INTO sale_lines (sale_id, line_no, sku, category, description, quantity, unit_price_minor, amount_minor, discount_minor,
       paid_minor, earn_points, redeemed_points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const l of lines) {
    line.run(
      s.id,
      l.line_no,
      l.sku,
      l.category,
      l.description,
      l.quantity,
      l.unit_price_minor,
      l.amount_minor,
      l.discount_minor,
      l.paid_minor,
      l.earn_points,
      l.redeemed_points,
    );
  }
}

export function markVoided(db: WritableDb, id: string, staffId: string, now: number): void {
  prepare(db, "UPDATE sales SET status = 'voided', voided_at = ?, voided_by = ? WHERE id = ?").run(now, staffId, id);
}

export function addRefundedQuantity(db: WritableDb, saleId: string, lineNo: number, quantity: number): void {
  prepare(db, 'UPDATE sale_lines SET refunded_quantity = refunded_quantity + ? WHERE sale_id = ? AND line_no = ?').run(
    quantity,
    saleId,
    lineNo,
  );
}

export function hasRefunds(db: ReadableDb, saleId: string): boolean {
  return prepare(db, 'SELECT 1 FROM refunds WHERE sale_id = ? LIMIT 1').get(saleId) !== undefined;
}

export function refundResult(db: ReadableDb, id: string): string | undefined {
  return prepare(db, 'SELECT result FROM refunds WHERE id = ?').pluck().get(id) as string | undefined;
}

export function insertRefund(
  db: WritableDb,
  r: {
    id: string;
    saleId: string;
    staffId: string;
    now: number;
    refundMinor: number;
    pointsReversed: number;
    pointsRestored: number;
    result: string;
  },
): void {
  prepare(
    db,
    'INSERT INTO refunds (id, sale_id, staff_id, created_at, refund_minor, points_reversed, points_restored, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(r.id, r.saleId, r.staffId, r.now, r.refundMinor, r.pointsReversed, r.pointsRestored, r.result);
}

export function setRefundResult(db: WritableDb, id: string, result: string): void {
  prepare(db, 'UPDATE refunds SET result = ? WHERE id = ?').run(result, id);
}

/**
 * A member's qualifying purchases (completed, and earned points): how many ever
 * (the referral bonus comes with the first) and when, since `since` (Nth-purchase bonus).
 * A sale below the minimum spend does not use up the first purchase.
 */
export function purchaseCount(db: ReadableDb, memberId: string): number {
  return prepare(db, "SELECT count(*) FROM sales WHERE member_id = ? AND status = 'completed' AND points_earned > 0")
    .pluck()
    .get(memberId) as number;
}

export function purchaseTimesSince(db: ReadableDb, memberId: string, since: number): number[] {
  return prepare(
    db,
    "SELECT created_at FROM sales WHERE member_id = ? AND created_at > ? AND status = 'completed' AND points_earned > 0 ORDER BY created_at",
  )
    .pluck()
    .all(memberId, since) as number[];
}

export function salesOfMember(db: ReadableDb, memberId: string, limit: number, before: number): SaleRow[] {
  return prepare(db, 'SELECT * FROM sales WHERE member_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT ?').all(
    memberId,
    before,
    limit,
  ) as SaleRow[];
}

export function insertVoucher(db: WritableDb, v: { code: string; rewardId: string; memberId: string; saleId: string; now: number }): void {
  prepare(db, "INSERT INTO vouchers (code, reward_id, member_id, sale_id, issued_at, status) VALUES (?, ?, ?, ?, ?, 'issued')").run(
    v.code,
    v.rewardId,
    v.memberId,
    v.saleId,
    v.now,
  );
}

export function cancelVouchersOfSale(db: WritableDb, saleId: string): void {
  prepare(db, "UPDATE vouchers SET status = 'cancelled' WHERE sale_id = ?").run(saleId);
}

/**
 * A sale made at another till of this store, as the central server sent it,
 * kept here so that it can be refunded here (sales/refund-at-any-till.ts). Its
 * ledger entries stay on the server: the balance they made arrives by pull.
 */
export function insertSaleOfOtherTill(
  db: WritableDb,
  s: Omit<SaleRow, 'status' | 'voided_at' | 'points_expired_kept'> & { origin_terminal_id: string },
  lines: Omit<SaleLineRow, 'sale_id'>[],
): void {
  insertSale(db, s, lines);
  prepare(db, 'UPDATE sales SET origin_terminal_id = ?, earn_expires_at = ? WHERE id = ?').run(
    s.origin_terminal_id,
    s.earn_expires_at,
    s.id,
  );
  for (const l of lines) if (l.refunded_quantity > 0) addRefundedQuantity(db, s.id, l.line_no, l.refunded_quantity);
}

/** Raises a line's refunded quantity to what the central server knows was refunded (at any till); never lowers it. */
export function raiseRefundedQuantity(db: WritableDb, saleId: string, lineNo: number, refunded: number): void {
  prepare(db, 'UPDATE sale_lines SET refunded_quantity = max(refunded_quantity, min(?, quantity)) WHERE sale_id = ? AND line_no = ?').run(
    refunded,
    saleId,
    lineNo,
  );
}

/** Adds earned points a refund or void of the sale left alone because they had expired. */
export function addExpiredKept(db: WritableDb, saleId: string, points: number): void {
  if (points > 0) prepare(db, 'UPDATE sales SET points_expired_kept = points_expired_kept + ? WHERE id = ?').run(points, saleId);
}

/**
 * When the points earned by these ledger entries expire, by entry: their lot's
 * expiry (point_lots_entry). An entry whose points all paid off a debt has no
 * lot and is missing from the map.
 */
export function lotExpiryOfEntries(db: ReadableDb, entryIds: readonly number[]): Map<number, number> {
  const read = prepare(db, 'SELECT expires_at FROM point_lots WHERE entry_id = ?').pluck();
  const out = new Map<number, number>();
  for (const id of entryIds) {
    const at = read.get(id) as number | undefined;
    if (at !== undefined) out.set(id, at);
  }
  return out;
}
