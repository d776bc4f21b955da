/**
 * GET /v1/members/:memberId/history: the member's whole ledger on the server, the newest
 * first, a page at a time. Any store's till may read it (every till holds every member's
 * points): the till's own ledger keeps only what it recorded and what its pulls brought.
 * Each entry says which store's till recorded it and what kind of event it came from; a
 * reason a person typed (a manager's adjustment) is never sent, the programme's labels are.
 * Every read is audited.
 */
import type { HistoryCategory, MemberHistoryEntry, MemberHistoryQuery, MemberHistoryResponse } from '../../shared/sync-protocol.ts';
import type { AuthenticatedTerminal } from '../auth/verify-request.ts';
import { notFound } from '../http/errors.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { Db } from '../store/db.ts';

interface EntryRow {
  id: number;
  kind: MemberHistoryEntry['kind'];
  points: number;
  created_at: number;
  reason: string | null;
  event_kind: string | null;
  store_name: string | null;
}

const CATEGORY_OF_EVENT: Record<string, HistoryCategory> = {
  'sale.committed': 'sale',
  'sale.voided': 'void',
  'sale.refunded': 'refund',
  'points.adjusted': 'adjustment',
  'member.enrolled': 'enrolment',
};

function categoryOf(row: EntryRow): HistoryCategory {
  if (row.kind === 'expire') return 'expiry';
  if (row.kind === 'adjust') return 'adjustment';
  return (row.event_kind === null ? undefined : CATEGORY_OF_EVENT[row.event_kind]) ?? 'other';
}

export async function memberHistory(
  db: Db,
  terminal: AuthenticatedTerminal,
  memberId: string,
  query: MemberHistoryQuery,
  now: number,
): Promise<MemberHistoryResponse> {
  const [member] = await db.query<{ id: string }>("SELECT id FROM members WHERE id = $1 AND status <> 'pending_enrolment'", [memberId]);
  if (member === undefined) throw notFound('No such member.', { memberId });
  const [beforeAt, beforeId] =
    query.before === undefined ? [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] : query.before.split('.').map(Number);
  const rows = await db.query<EntryRow>(
    `SELECT l.id, l.kind, l.points, l.created_at, l.reason, a.kind AS event_kind, st.name AS store_name
       FROM ledger l
       LEFT JOIN applied_events a ON a.id = l.event_id
       LEFT JOIN terminals t ON t.id = a.terminal_id
       LEFT JOIN stores st ON st.id = t.store_id
      WHERE l.member_id = $1 AND l.created_at <= $2 AND (l.created_at, l.id) < ($2, $3)
      ORDER BY l.created_at DESC, l.id DESC
      LIMIT $4`,
    [memberId, beforeAt, beforeId, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const entries = page.map((r): MemberHistoryEntry => {
    const category = categoryOf(r);
    return {
      id: String(r.id),
      kind: r.kind,
      points: r.points,
      createdAt: r.created_at,
      storeName: r.store_name,
      category,
      // An adjustment's reason is what a manager typed: it stays on the server.
      label: category === 'adjustment' ? null : r.reason,
    };
  });
  await recordAudit(db, {
    at: now,
    actorKind: 'terminal',
    actor: terminal.terminalId,
    action: 'member.history',
    memberId,
    details: { entries: entries.length, page: query.before === undefined ? 'first' : 'next' },
  });
  return { entries, nextBefore: rows.length > query.limit && last !== undefined ? `${last.created_at}.${last.id}` : null };
}
