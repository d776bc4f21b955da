import Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors.ts';
import { Checkpointer } from './checkpoint.ts';
import { loadMigrations, migrate, type Migration } from './migrations.ts';

export type Db = Database.Database;

export type Health = { ok: true } | { ok: false; problems: string[] };

export interface TerminalDb {
  db: Db;
  path: string;
  /** A corrupt database is opened read-only: the app shows what it can and writes nothing. */
  health: Health;
  checkpointer: Checkpointer | null;
}

export interface OpenOptions {
  migrations?: Migration[];
  /** 'full' = PRAGMA integrity_check (default); 'quick' = quick_check; 'off' only for benchmarks. */
  integrityCheck?: 'full' | 'quick' | 'off';
}

export function openTerminalDb(path: string, options: OpenOptions = {}): TerminalDb {
  const check = options.integrityCheck ?? 'full';
  const problems = checkIntegrity(path, check);
  if (problems.length > 0) {
    return { db: openReadOnly(path, problems), path, health: { ok: false, problems }, checkpointer: null };
  }
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // Points are money: FULL fsyncs the WAL on every commit (WAL's default is NORMAL).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const { from, to } = migrate(db, options.migrations ?? loadMigrations());
    // A migration can rewrite large indexes: fold its WAL into the file now, at start-up, not during the first sales.
    if (from < to) db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, path, health: { ok: true }, checkpointer: new Checkpointer(db) };
}

/** A clean close: the WAL folded into the database file, no timer left behind. */
export function closeTerminalDb(store: TerminalDb): void {
  if (!store.db.open) return;
  store.checkpointer?.run();
  if (store.health.ok) store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.close();
}

function checkIntegrity(path: string, check: 'full' | 'quick' | 'off'): string[] {
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma('busy_timeout = 5000');
    if (check === 'off') {
      db.pragma('schema_version'); // still fails fast on a file that is not a database
      return [];
    }
    const rows = db.pragma(check === 'full' ? 'integrity_check' : 'quick_check') as Record<string, string>[];
    const messages = rows.map((r) => Object.values(r)[0] ?? '').filter((m) => m !== 'ok');
    return messages;
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  } finally {
    db?.close();
  }
}

function openReadOnly(path: string, problems: string[]): Db {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch {
    throw corruptError(path, problems);
  }
}

export function corruptError(path: string, problems: string[]): AppError {
  return new AppError(
    'DATABASE_CORRUPT',
    'The local loyalty database is damaged, so nothing will be written to it. Ask IT to restore the latest backup; the server keeps every synced sale.',
    { path, problems: problems.slice(0, 10) },
  );
}

/** Runs `fn` in one IMMEDIATE transaction: all of it commits, or none of it. */
export function writeTransaction<T>(store: TerminalDb, fn: () => T): T {
  if (!store.health.ok) throw corruptError(store.path, store.health.problems);
  const result = store.db.transaction(fn).immediate();
  store.checkpointer?.afterWrite();
  return result;
}
