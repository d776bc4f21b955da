import { AppError } from '../../../shared/errors.ts';
import { consumeLots, creditPoints } from '../../../shared/loyalty/lots.ts';
import type { PointLot } from '../../../shared/loyalty/types.ts';
import type { ReadableDb, WritableDb } from './connection.ts';
import { insertRows } from './insert-rows.ts';
import { prepare } from './statements.ts';

/**
 * The only code that changes a member's points. Every change is a new ledger
 * entry (never an update), the lots that make expiry possible, the recorded
 * debt, and the cached balance, all moved together so that
 *   balance = sum(ledger) = sum(lot remainders) - debt
 * (expiry.ts takes expired lots out through appendEntry).
 * Callers run these inside one write transaction.
 */

export type EntryKind = 'earn' | 'redeem' | 'bonus' | 'reverse' | 'adjust' | 'expire' | 'sync';

export interface Entry {
  memberId: string;
  kind: EntryKind;
  points: number; // positive: credit() / debit() give it its sign
  qualifying?: number;
  saleId?: string | null;
  refundId?: string | null;
  ref?: string | null;
  reason: string;
  staffId?: string | null;
  now: number;
}

export interface LedgerRow {
  id: number;
  member_id: string;
  kind: EntryKind;
  points: number;
  qualifying: number;
  sale_id: string | null;
  refund_id: string | null;
  ref: string | null;
  reason: string;
  staff_id: string | null;
  created_at: number;
}

/** Writes one ledger entry and moves the cached balance by `signed`; the caller moves the lots (credit, debit, expiry.ts). */
export function appendEntry(db: WritableDb, e: Entry, signed: number): number {
  const info = prepare(
    db,
    `INSERT INTO ledger (member_id, kind, points, qualifying, sale_id, refund_id, ref, reason, staff_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.memberId,
    e.kind,
    signed,
    e.qualifying ?? 0,
    e.saleId ?? null,
    e.refundId ?? null,
    e.ref ?? null,
    e.reason,
    e.staffId ?? null,
    e.now,
  );
  prepare(db, 'UPDATE members SET balance = balance + ?, updated_at = ? WHERE id = ?').run(signed, e.now, e.memberId);
  return Number(info.lastInsertRowid);
}

function debtOf(db: ReadableDb, memberId: string): number {
  return prepare(db, 'SELECT debt FROM members WHERE id = ?').pluck().get(memberId) as number;
}

/** Adds points: they pay off any recorded debt first, the rest becomes a lot expiring at `expiresAt`. */
export function credit(db: WritableDb, e: Entry, expiresAt: number): number {
  if (e.points <= 0) return 0;
  const entryId = appendEntry(db, e, e.points);
  const { debtPaid, lotPoints } = creditPoints(debtOf(db, e.memberId), e.points);
  if (debtPaid > 0) prepare(db, 'UPDATE members SET debt = debt - ? WHERE id = ?').run(debtPaid, e.memberId);
  if (lotPoints > 0) {
    prepare(db, 'INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      e.memberId,
      entryId,
      lotPoints,
      lotPoints,
      e.now,
      expiresAt,
    );
  }
  return entryId;
}

/**
 * Takes points from the oldest lots first. Without `allowDebt` a shortfall is
 * refused (a redemption never drives a balance below zero); with it (reversing
 * points already spent) the shortfall is recorded as debt, never dropped.
 * `preferEntries` are taken first: a refund takes back the points of its own sale.
 */
export function debit(db: WritableDb, e: Entry, options: { allowDebt: boolean; preferEntries?: number[] }): number {
  if (e.points <= 0) return 0;
  const lots = liveLots(db, e.memberId, e.now);
  const preferred = new Set(options.preferEntries ?? []);
  const first = lots.filter((l) => preferred.has(l.entryId));
  const rest = lots.filter((l) => !preferred.has(l.entryId));
  const fromPreferred = consumeLots(first, e.points);
  const taken = e.points - fromPreferred.shortfall;
  const fromRest = consumeLots(rest, e.points - taken);
  if (fromRest.shortfall > 0 && !options.allowDebt) {
    throw new AppError('INSUFFICIENT_POINTS', `Only ${e.points - fromRest.shortfall} points are available.`, {
      requested: e.points,
      available: e.points - fromRest.shortfall,
    });
  }
  const entryId = appendEntry(db, e, -e.points);
  const take = prepare(db, 'UPDATE point_lots SET remaining = remaining - ? WHERE id = ?');
  for (const t of [...fromPreferred.takes, ...fromRest.takes]) take.run(t.points, t.lotId);
  if (fromRest.shortfall > 0) prepare(db, 'UPDATE members SET debt = debt + ? WHERE id = ?').run(fromRest.shortfall, e.memberId);
  return entryId;
}

/** A member's opening balance: `lots` sum to `points` when `points` > 0. */
export interface Opening {
  memberId: string;
  points: number;
  lots: readonly { points: number; expiresAt: number }[];
  /** When the till received them (the lots' earned_at). */
  at: number;
}

/**
 * The opening lots of members this terminal has just received and never held
 * before (the bulk of a first pull: a million members), by multi-row inserts.
 * An opening is not a ledger entry: the caller writes it in the member's row
 * (openingColumns), and the till's ledger holds only its own events and later
 * corrections, so for every member
 *   balance = opening + sum(ledger) = sum(lot remainders) − debt.
 */
export function openBalances(db: WritableDb, openings: readonly Opening[]): void {
  const lots: unknown[] = [];
  for (const { memberId, points, lots: given, at } of openings) {
    if (points <= 0) continue;
    let total = 0;
    for (const l of given) {
      if (l.points <= 0) continue;
      lots.push(memberId, l.points, l.points, at, l.expiresAt);
      total += l.points;
    }
    if (total !== points) throw new Error(`openBalances: lots sum to ${total}, not ${points}`);
  }
  insertRows(db, 'INSERT INTO point_lots (member_id, points, remaining, earned_at, expires_at)', 5, lots);
}

/** The member row's opening, cached balance and debt for an opening balance of `points`. */
export function openingColumns(points: number): { opening: number; balance: number; debt: number } {
  return { opening: points, balance: points, debt: Math.max(0, -points) };
}

export interface LiveLot extends PointLot {
  entryId: number;
}

/** Lots with points left that have not expired at `now`, oldest expiry first. */
export function liveLots(db: ReadableDb, memberId: string, now: number): LiveLot[] {
  return prepare(
    db,
    `SELECT id, entry_id AS entryId, remaining, earned_at AS earnedAt, expires_at AS expiresAt FROM point_lots
     WHERE member_id = ? AND remaining > 0 AND expires_at > ? ORDER BY expires_at, id`,
  ).all(memberId, now) as LiveLot[];
}

export function qualifyingPoints(db: ReadableDb, memberId: string, since: number): number {
  return prepare(db, 'SELECT coalesce(sum(qualifying), 0) FROM ledger WHERE member_id = ? AND created_at > ?')
    .pluck()
    .get(memberId, since) as number;
}

/** The balance the ledger gives: the member's opening plus every entry (what the cached balance must equal). */
export function ledgerSum(db: ReadableDb, memberId: string): number {
  return prepare(
    db,
    'SELECT coalesce((SELECT opening FROM members WHERE id = ?), 0) + coalesce((SELECT sum(points) FROM ledger WHERE member_id = ?), 0)',
  )
    .pluck()
    .get(memberId, memberId) as number;
}

export function entriesOfSale(db: ReadableDb, saleId: string): LedgerRow[] {
  return prepare(db, 'SELECT * FROM ledger WHERE sale_id = ? ORDER BY id').all(saleId) as LedgerRow[];
}

export function entriesOfMember(db: ReadableDb, memberId: string, limit: number): LedgerRow[] {
  return prepare(db, 'SELECT * FROM ledger WHERE member_id = ? ORDER BY id DESC LIMIT ?').all(memberId, limit) as LedgerRow[];
}

/**
 * An adjustment already applied under this id, with the member's balance right
 * after it (the first answer): adjustments are idempotent on their id.
 */
export function appliedAdjustment(db: ReadableDb, adjustmentId: string): { memberId: string; balanceAfter: number } | undefined {
  const entry = prepare(db, "SELECT id, member_id FROM ledger WHERE kind = 'adjust' AND ref = ?").get(adjustmentId) as
    { id: number; member_id: string } | undefined;
  if (!entry) return undefined;
  const balanceAfter = prepare(
    db,
    'SELECT (SELECT opening FROM members WHERE id = ?) + (SELECT sum(points) FROM ledger WHERE member_id = ? AND id <= ?)',
  )
    .pluck()
    .get(entry.member_id, entry.member_id, entry.id) as number;
  return { memberId: entry.member_id, balanceAfter };
}
