/**
 * The server's audit log (audit_log, migration 0009): who read or changed what
 * about a member outside the tills' own events. Never personal data: a search is
 * recorded by its kind, length and the members it showed, not by what was typed.
 */
import type { Queryable } from './db.ts';

export interface AuditEntry {
  at: number;
  actorKind: 'terminal' | 'admin';
  /** The terminal's id, or the name an admin gave with --by. */
  actor: string;
  /** 'member.search', 'member.history', 'member.export', 'member.erase'… */
  action: string;
  memberId?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.query('INSERT INTO audit_log (at, actor_kind, actor, action, member_id, details) VALUES ($1, $2, $3, $4, $5, $6)', [
    entry.at,
    entry.actorKind,
    entry.actor,
    entry.action,
    entry.memberId ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}
