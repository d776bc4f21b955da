import Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors.ts';
import type { SealedKeys } from '../platform/sealed-keys.ts';
import { Checkpointer } from './checkpoint.ts';
import { loadMigrations, migrate, type Migration } from './migrations.ts';

declare const readable: unique symbol;
declare const writable: unique symbol;

/**
 * The connection as the store's functions take it (as Signal Desktop's
 * ReadableDB / WritableDB): a function that only reads takes a ReadableDb, one
 * that writes takes a WritableDb, and only writeTransaction() hands one out.
 * A WritableDb is a ReadableDb; a ReadableDb is not a WritableDb, so a read
 * path cannot call a writing function (a compile error). The brands exist
 * only in the types: at run time both are the one better-sqlite3 connection.
 */
export type ReadableDb = Database.Database & { readonly [readable]: true };
export type WritableDb = ReadableDb & { readonly [writable]: true };

export type Health = { ok: true } | { ok: false; problems: string[] };

/** The store as a command declared to write nothing sees it (shared/api.ts `writes: false`): queries only. */
export interface ReadableStore {
  db: ReadableDb;
  path: string;
  /** A corrupt database is opened read-only: the app shows what it can and writes nothing. */
  health: Health;
  /** The purpose keys derived from the device key (outside the database): staff PIN verifiers are keyed with one. */
  keys?: SealedKeys;
}

/** The store with the right to write: writeTransaction() takes it and hands out its WritableDb. */
export interface TerminalDb extends ReadableStore {
  checkpointer: Checkpointer | null;
  readonly [writable]: true;
}

function terminalDb(
  db: Database.Database,
  path: string,
  health: Health,
  checkpointer: Checkpointer | null,
  keys: SealedKeys | undefined,
): TerminalDb {
  return { db: db as ReadableDb, path, health, checkpointer, ...(keys ? { keys } : {}) } as TerminalDb;
}

export interface OpenOptions {
  migrations?: Migration[];
  /** 'full' = PRAGMA integrity_check (default); 'quick' = quick_check; 'off' only for benchmarks. */
  integrityCheck?: 'full' | 'quick' | 'off';
  /** The terminal's purpose keys (createBackend gives them; a store opened without them stores and checks no PIN). */
  keys?: SealedKeys;
}

export function openTerminalDb(path: string, options: OpenOptions = {}): TerminalDb {
  const check = options.integrityCheck ?? 'full';
  const problems = checkIntegrity(path, check);
  if (problems.length > 0) {
    return terminalDb(openReadOnly(path, problems), path, { ok: false, problems }, null, options.keys);
  }
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // Points are money: FULL fsyncs the WAL on every commit (WAL's default is NORMAL).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Personal data a till drops (a member leaving its store's scope, an erasure) is overwritten
    // in the file, not left in freed space for anyone who copies it (docs/privacy.md).
    db.pragma('secure_delete = ON');
    const { from, to } = migrate(db, options.migrations ?? loadMigrations());
    // A migration can rewrite large indexes: fold its WAL into the file now, at start-up, not during the first sales.
    if (from < to) db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    db.close();
    throw error;
  }
  return terminalDb(db, path, { ok: true }, new Checkpointer(db), options.keys);
}

/** A clean close: the WAL folded into the database file, no timer left behind. */
export function closeTerminalDb(store: TerminalDb): void {
  if (!store.db.open) return;
  store.checkpointer?.run();
  if (store.health.ok) store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.close();
}

function checkIntegrity(path: string, check: 'full' | 'quick' | 'off'): string[] {
  let db: Database.Database | undefined;
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

function openReadOnly(path: string, problems: string[]): Database.Database {
  try {
    return openReadableDb(path);
  } catch {
    throw corruptError(path, problems);
  }
}

/** A second connection, opened read-only (diagnostics): the store's read functions take it; SQLite refuses any write. */
export function openReadableDb(path: string): ReadableDb {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db as ReadableDb;
}

export function corruptError(path: string, problems: string[]): AppError {
  return new AppError(
    'DATABASE_CORRUPT',
    'The local loyalty database is damaged, so nothing will be written to it. Ask IT to restore the latest backup; the server keeps every synced sale.',
    { path, problems: problems.slice(0, 10) },
  );
}

/** Runs `fn` in one IMMEDIATE transaction: all of it commits, or none of it. The one place a WritableDb comes from. */
export function writeTransaction<T>(store: TerminalDb, fn: (db: WritableDb) => T): T {
  if (!store.health.ok) throw corruptError(store.path, store.health.problems);
  const db = store.db as WritableDb;
  const result = db.transaction(() => fn(db)).immediate();
  store.checkpointer?.afterWrite();
  return result;
}
