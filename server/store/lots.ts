import type { LotState } from '../apply/member-points.ts';
import type { Queryable } from './db.ts';
import { anyOf, insertWrite, jsonList, updateWrite, type RowsWrite } from './json-rows.ts';

interface LotRow {
  id: number;
  member_id: string;
  remaining: number;
  expired: number;
  expires_at: number | null;
  created_at: number;
}

function byMember(rows: readonly LotRow[], into = new Map<string, LotState[]>()): Map<string, LotState[]> {
  for (const r of rows) {
    const list = into.get(r.member_id) ?? [];
    list.push({ id: r.id, remaining: r.remaining, expired: r.expired, expiresAt: r.expires_at, createdAt: r.created_at, changed: false });
    into.set(r.member_id, list);
  }
  return into;
}

/** Live lots (remaining > 0) of these members. Call after locking the members. */
export async function liveLots(tx: Queryable, memberIds: Iterable<string>): Promise<Map<string, LotState[]>> {
  const rows = await tx.query<LotRow>(
    `SELECT id, member_id, remaining, expired, expires_at, created_at FROM point_lots
     WHERE member_id = ${anyOf('$1', 'uuid')} AND remaining > 0 ORDER BY id`,
    [jsonList(memberIds)],
  );
  return byMember(rows);
}

/**
 * The lots a debit dated at or after `since` may spend: the live ones, and
 * those the expiry emptied that were still alive at `since` (a late offline
 * debit restores and spends them, member-points.ts). Call after locking the members.
 */
export async function spendableLots(tx: Queryable, memberIds: Iterable<string>, since: number): Promise<Map<string, LotState[]>> {
  const ids = [...memberIds];
  const lots = await liveLots(tx, ids);
  const emptied = await tx.query<LotRow>(
    `SELECT id, member_id, remaining, expired, expires_at, created_at FROM point_lots
     WHERE member_id = ${anyOf('$1', 'uuid')} AND expired > 0 AND expires_at > $2`,
    [jsonList(ids), since],
  );
  byMember(emptied, lots);
  for (const list of lots.values()) list.sort((a, b) => a.id - b.id);
  return lots;
}

/** New lots and lots whose remaining points changed. */
export function lotWrites(
  inserts: readonly { member_id: string; remaining: number; expired: number; expires_at: number | null; created_at: number }[],
  updates: readonly { id: number; remaining: number; expired: number }[],
): (RowsWrite | null)[] {
  return [
    insertWrite('point_lots', 'member_id uuid, remaining bigint, expired bigint, expires_at bigint, created_at bigint', inserts),
    updateWrite('point_lots', 'id bigint, remaining bigint, expired bigint', 'bigint', updates),
  ];
}

/** Qualifying points per member from ledger entries dated at or after `since`. */
export async function qualifyingSince(tx: Queryable, memberIds: Iterable<string>, since: number): Promise<Map<string, number>> {
  const rows = await tx.query<{ member_id: string; q: number }>(
    `SELECT member_id, sum(qualifying)::bigint AS q FROM ledger
     WHERE member_id = ${anyOf('$1', 'uuid')} AND created_at >= $2 GROUP BY member_id`,
    [jsonList(memberIds), Number.isFinite(since) ? since : 0],
  );
  return new Map(rows.map((r) => [r.member_id, r.q]));
}

export const LEDGER_COLUMNS =
  'member_id uuid, event_id uuid, kind text, points bigint, qualifying bigint, created_at bigint, applied_at bigint, reason text';
