import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

/**
 * Pulled records this terminal could not read (migration 0009): skipped so the
 * rest of their page applies, kept by id (never personal data) so the sync
 * details can say how many, and forgotten when a readable version arrives.
 */
export type UnreadableKind = 'member' | 'product' | 'staff';

export interface UnreadableRecord {
  kind: UnreadableKind;
  /** The record's id (member UUID, SKU, staff id), or '#' + the page's cursor + ':' + its index when its id cannot be read. */
  recordId: string;
}

export function noteUnreadable(db: WritableDb, records: readonly UnreadableRecord[], now: number): void {
  const insert = prepare(
    db,
    'INSERT INTO unreadable_records (kind, record_id, seen_at) VALUES (?, ?, ?) ON CONFLICT (kind, record_id) DO UPDATE SET seen_at = excluded.seen_at',
  );
  for (const r of records) insert.run(r.kind, r.recordId, now);
}

/** Whether any record is listed: a page's readable records are looked up only then (a first pull is millions of them). */
export function anyUnreadable(db: ReadableDb): boolean {
  return prepare(db, 'SELECT EXISTS (SELECT 1 FROM unreadable_records)').pluck().get() === 1;
}

/** These records arrived readable: they are no longer counted. */
export function forgetUnreadable(db: WritableDb, kind: UnreadableKind, ids: readonly string[]): void {
  const remove = prepare(db, 'DELETE FROM unreadable_records WHERE kind = ? AND record_id = ?');
  for (const id of ids) remove.run(kind, id);
}

/** A pull from the beginning reads every record again. */
export function forgetAllUnreadable(db: WritableDb): void {
  prepare(db, 'DELETE FROM unreadable_records').run();
}

export function unreadableCounts(db: ReadableDb): { members: number; products: number; staff: number } {
  const rows = prepare(db, 'SELECT kind, count(*) AS n FROM unreadable_records GROUP BY kind').all() as {
    kind: UnreadableKind;
    n: number;
  }[];
  const count = (kind: UnreadableKind) => rows.find((r) => r.kind === kind)?.n ?? 0;
  return { members: count('member'), products: count('product'), staff: count('staff') };
}
