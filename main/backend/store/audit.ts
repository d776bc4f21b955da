import type { WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

/** Append-only record of who did what. Ids and amounts only: no names, phones or PINs. */
export function audit(
  db: WritableDb,
  entry: { at: number; staffId: string | null; action: string; subject: string | null; details?: object },
): void {
  prepare(db, 'INSERT INTO audit_log (at, staff_id, action, subject, details) VALUES (?, ?, ?, ?, ?)').run(
    entry.at,
    entry.staffId,
    entry.action,
    entry.subject,
    JSON.stringify(entry.details ?? {}),
  );
}
