import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { openTerminalDb, writeTransaction } from '../../../main/backend/store/connection.ts';
import { loadMigrations, migrate, TERMINAL_MIGRATIONS_DIR } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
function scratch(): string {
  const d = tempDir();
  dirs.push(d);
  return d.path;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe('migration runner', () => {
  test('applies every migration once, records it, and sets user_version', () => {
    const path = join(scratch(), 't.sqlite');
    const migrations = loadMigrations();
    const first = openTerminalDb(path);
    expect(first.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    first.db.close();
    const again = new Database(path);
    expect(migrate(again, migrations)).toEqual({ from: migrations.length, to: migrations.length });
    expect(again.prepare('SELECT version, name FROM schema_migrations').all()).toEqual(
      migrations.map((m) => ({ version: m.version, name: m.name })),
    );
    again.close();
  });

  test('opens with WAL, synchronous=FULL, foreign keys on and a busy timeout', () => {
    const { db } = openTerminalDb(join(scratch(), 't.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  test('refuses a database from a newer app and leaves it untouched', () => {
    const path = join(scratch(), 't.sqlite');
    openTerminalDb(path).db.close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(codeOf(() => openTerminalDb(path))).toBe('DATABASE_TOO_NEW');
    const after = new Database(path);
    expect(after.pragma('user_version', { simple: true })).toBe(99);
    after.close();
  });

  test('refuses a history that is not a prefix of the migration files', () => {
    const path = join(scratch(), 't.sqlite');
    openTerminalDb(path).db.close();
    const raw = new Database(path);
    raw.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1").run();
    raw.close();
    expect(codeOf(() => openTerminalDb(path))).toBe('MIGRATION_HISTORY_MISMATCH');
  });

  test('a failing migration rolls back completely: no half-applied schema', () => {
    const dir = scratch();
    const migrationsDir = join(dir, 'migrations');
    mkdirSync(migrationsDir);
    copyFileSync(join(TERMINAL_MIGRATIONS_DIR, '0001-init.sql'), join(migrationsDir, '0001-init.sql'));
    writeFileSync(
      join(migrationsDir, '0002-broken.sql'),
      'CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;\nINSERT INTO no_such_table VALUES (1);\n',
    );
    const path = join(dir, 't.sqlite');
    expect(() => openTerminalDb(path, { migrations: loadMigrations(migrationsDir) })).toThrow(/no such table/);
    const raw = new Database(path);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").pluck().get()).toBe(0);
    raw.close();
  });

  test('migration files must be numbered without gaps', () => {
    const dir = scratch();
    writeFileSync(join(dir, '0001-a.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '0003-c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/out of sequence/);
  });
});

describe('damaged database', () => {
  test('is reported with the problems found, opened read-only, and never written to', () => {
    const path = join(scratch(), 't.sqlite');
    const { db } = openTerminalDb(path);
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`key-${i}`, 'x'.repeat(200));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // Scribble over pages in the middle of the file: their b-tree structure becomes garbage.
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 8192, 8192 + 4096 * 4);
    writeFileSync(path, bytes);

    const damaged = openTerminalDb(path);
    expect(damaged.health.ok).toBe(false);
    expect(damaged.health.ok ? [] : damaged.health.problems.join(' ')).toMatch(/page|tree|corrupt|malformed/i);
    expect(damaged.db.readonly).toBe(true);
    expect(codeOf(() => writeTransaction(damaged, () => damaged.db.prepare('SELECT 1').get()))).toBe('DATABASE_CORRUPT');
    damaged.db.close();
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  test('a file that is not a database at all is reported, not opened for writing', () => {
    const path = join(scratch(), 't.sqlite');
    writeFileSync(path, 'this is not a database, it is a shopping list. '.repeat(200));
    const opened = openTerminalDb(path);
    expect(opened.health).toEqual({ ok: false, problems: ['file is not a database'] });
    expect(opened.db.readonly).toBe(true);
    opened.db.close();
  });
});
