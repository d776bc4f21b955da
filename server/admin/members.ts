import type { Db } from '../store/db.ts';
import { changeTransaction } from '../store/db.ts';
import { MEMBER_SELECT, type MemberRow } from '../store/member-rows.ts';
import { AdminError } from './admin-error.ts';
import { UUID_PATTERN } from '../../shared/ids.ts';

export interface MemberDetails {
  member: MemberRow;
  cards: string[];
  lots: { remaining: number; expiresAt: number | null }[];
  ledger: { kind: string; points: number; qualifying: number; createdAt: number; eventId: string | null; reason: string | null }[];
  /** Sum of the ledger: always equal to member.balance. */
  ledgerSum: number;
  openFlags: { kind: string; eventId: string; createdAt: number }[];
}

/** Finds a member by id, card number or exact phone; several members on one phone is an error listing their ids. */
export async function findMember(db: Db, key: string): Promise<MemberRow> {
  const trimmed = key.trim();
  let rows: MemberRow[] = [];
  if (UUID_PATTERN.test(trimmed)) rows = await db.query<MemberRow>(`SELECT ${MEMBER_SELECT} FROM members WHERE id = $1`, [trimmed]);
  if (rows.length === 0)
    rows = await db.query<MemberRow>(
      `SELECT ${MEMBER_SELECT} FROM members WHERE id = (SELECT member_id FROM member_cards WHERE card = $1)`,
      [trimmed],
    );
  if (rows.length === 0)
    rows = await db.query<MemberRow>(`SELECT ${MEMBER_SELECT} FROM members WHERE phone = $1 ORDER BY enrolled_at`, [trimmed]);
  if (rows.length === 0) throw new AdminError('No member with this id, card number or phone.');
  if (rows.length > 1) throw new AdminError(`Several members have this phone: ${rows.map((r) => r.id).join(', ')}. Give an id.`);
  return rows[0]!;
}

export async function showMember(db: Db, key: string): Promise<MemberDetails> {
  const member = await findMember(db, key);
  const cards = await db.query<{ card: string }>('SELECT card FROM member_cards WHERE member_id = $1 ORDER BY created_at, card', [
    member.id,
  ]);
  const lots = await db.query<{ remaining: number; expires_at: number | null }>(
    'SELECT remaining, expires_at FROM point_lots WHERE member_id = $1 AND remaining > 0 ORDER BY expires_at NULLS LAST, id',
    [member.id],
  );
  const ledger = await db.query<{
    kind: string;
    points: number;
    qualifying: number;
    created_at: number;
    event_id: string | null;
    reason: string | null;
  }>('SELECT kind, points, qualifying, created_at, event_id, reason FROM ledger WHERE member_id = $1 ORDER BY id', [member.id]);
  const flags = await db.query<{ kind: string; event_id: string; created_at: number }>(
    'SELECT kind, event_id, created_at FROM flags WHERE member_id = $1 AND resolved_at IS NULL ORDER BY id',
    [member.id],
  );
  return {
    member,
    cards: cards.map((c) => c.card),
    lots: lots.map((l) => ({ remaining: l.remaining, expiresAt: l.expires_at })),
    ledger: ledger.map((e) => ({
      kind: e.kind,
      points: e.points,
      qualifying: e.qualifying,
      createdAt: e.created_at,
      eventId: e.event_id,
      reason: e.reason,
    })),
    ledgerSum: ledger.reduce((s, e) => s + e.points, 0),
    openFlags: flags.map((f) => ({ kind: f.kind, eventId: f.event_id, createdAt: f.created_at })),
  };
}

/** Blocks or unblocks a member; terminals learn it on their next pull. */
export async function setMemberStatus(db: Db, key: string, status: 'active' | 'blocked', now: number): Promise<{ id: string }> {
  const member = await findMember(db, key);
  if (member.status === 'pending_enrolment')
    throw new AdminError('This member has not been enrolled yet (only points from another terminal arrived).');
  await changeTransaction(db, (tx) => tx.query('UPDATE members SET status = $2, updated_at = $3 WHERE id = $1', [member.id, status, now]));
  return { id: member.id };
}
