import type { LotState } from '../apply/member-points.ts';
import type { Queryable } from './db.ts';
import { anyOf, insertWrite, jsonList, updateWrite, type RowsWrite } from './json-rows.ts';

/** Live lots (remaining > 0) of these members. Call after locking the members. */
export async function liveLots(tx: Queryable, memberIds: Iterable<string>): Promise<Map<string, LotState[]>> {
  const rows = await tx.query<{ id: number; member_id: string; remaining: number; expires_at: number | null; created_at: number }>(
    `SELECT id, member_id, remaining, expires_at, created_at FROM point_lots
     WHERE member_id = ${anyOf('$1', 'uuid')} AND remaining > 0 ORDER BY id`,
    [jsonList(memberIds)],
  );
  const out = new Map<string, LotState[]>();
  for (const r of rows) {
    const list = out.get(r.member_id) ?? [];
    list.push({ id: r.id, remaining: r.remaining, expiresAt: r.expires_at, createdAt: r.created_at, changed: false });
    out.set(r.member_id, list);
  }
  return out;
}

/** New lots and lots whose remaining points changed. */
export function lotWrites(
  inserts: readonly { member_id: string; remaining: number; expires_at: number | null; created_at: number }[],
  updates: readonly { id: number; remaining: number }[],
): (RowsWrite | null)[] {
  return [
    insertWrite('point_lots', 'member_id uuid, remaining bigint, expires_at bigint, created_at bigint', inserts),
    updateWrite('point_lots', 'id bigint, remaining bigint', 'bigint', updates),
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
