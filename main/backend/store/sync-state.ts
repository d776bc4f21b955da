import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

/**
 * What the sync client keeps between runs, in the settings table: the sealed
 * credentials (never in clear: see sync/credentials.ts), the pull cursor
 * (written in the same transaction as the page it follows) and the time of
 * the last successful exchange.
 */
const KEYS = { credentials: 'sync.credentials', cursor: 'sync.cursor', lastSuccessAt: 'sync.lastSuccessAt' } as const;

function get(db: ReadableDb, key: string): string | undefined {
  return prepare(db, 'SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
}

function set(db: WritableDb, key: string, value: string): void {
  prepare(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function sealedCredentials(db: ReadableDb): string | undefined {
  return get(db, KEYS.credentials);
}

export function saveSealedCredentials(db: WritableDb, sealed: string): void {
  set(db, KEYS.credentials, sealed);
}

export function pullCursor(db: ReadableDb): string | undefined {
  return get(db, KEYS.cursor);
}

export function savePullCursor(db: WritableDb, cursor: string): void {
  set(db, KEYS.cursor, cursor);
}

/** A new pairing (possibly with another server) starts the pull from the beginning. */
export function resetPullCursor(db: WritableDb): void {
  prepare(db, 'DELETE FROM settings WHERE key = ?').run(KEYS.cursor);
}

export function lastSyncSuccess(db: ReadableDb): number | null {
  const v = get(db, KEYS.lastSuccessAt);
  return v === undefined ? null : Number(v);
}

export function saveLastSyncSuccess(db: WritableDb, at: number): void {
  set(db, KEYS.lastSuccessAt, String(at));
}
