import { FLAG_KINDS, type FlagKind } from '../../shared/sync-protocol.ts';
import type { Db } from '../store/db.ts';
import { AdminError } from './admin-error.ts';

export interface FlagListing {
  id: number;
  kind: FlagKind;
  memberId: string;
  eventId: string;
  details: Record<string, unknown>;
  createdAt: number;
  resolvedAt: number | null;
}

/** Open flags (oldest first), optionally of one kind. */
export async function listFlags(db: Db, kind?: string, includeResolved = false): Promise<FlagListing[]> {
  if (kind !== undefined && !(FLAG_KINDS as readonly string[]).includes(kind))
    throw new AdminError(`Unknown flag kind ${kind}: use ${FLAG_KINDS.join(', ')}.`);
  const rows = await db.query<{
    id: number;
    kind: FlagKind;
    member_id: string;
    event_id: string;
    details: Record<string, unknown>;
    created_at: number;
    resolved_at: number | null;
  }>(
    `SELECT id, kind, member_id, event_id, details, created_at, resolved_at FROM flags
     WHERE ($1::text IS NULL OR kind = $1) AND ($2 OR resolved_at IS NULL) ORDER BY id`,
    [kind ?? null, includeResolved],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    memberId: r.member_id,
    eventId: r.event_id,
    details: r.details,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  }));
}

export async function resolveFlag(db: Db, id: number, now: number): Promise<void> {
  const rows = await db.query('UPDATE flags SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL RETURNING id', [id, now]);
  if (rows.length === 0) throw new AdminError(`No open flag ${id}.`);
}
