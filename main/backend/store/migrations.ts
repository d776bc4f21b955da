import { fileURLToPath } from 'node:url';
import { readMigrationFiles, type Migration } from '../../../node-shared/migration-files.ts';
import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors.ts';

export const TERMINAL_MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/terminal/', import.meta.url));

export type { Migration };

/** This database's migration files, in order. */
export function loadMigrations(dir: string = TERMINAL_MIGRATIONS_DIR): Migration[] {
  return readMigrationFiles(dir);
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the database up to the newest migration, each in its own transaction
 * together with `user_version`. Refuses a database written by a newer app and a
 * history that is not a prefix of ours (an edited or foreign migration).
 */
export function migrate(db: Database.Database, migrations: Migration[]): { from: number; to: number } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL
  ) STRICT`);
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > migrations.length) {
    throw new AppError(
      'DATABASE_TOO_NEW',
      `The database was written by a newer version of the app (schema ${from}, this app knows ${migrations.length}). Update the app; the database was not changed.`,
      { databaseVersion: from, appVersion: migrations.length },
    );
  }
  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedRow[];
  if (applied.length !== from) {
    throw new AppError(
      'MIGRATION_HISTORY_MISMATCH',
      `The database records ${applied.length} migrations but its schema version is ${from}.`,
    );
  }
  applied.forEach((row, i) => {
    const ours = migrations[i]!;
    if (row.version !== ours.version || row.name !== ours.name || row.checksum !== ours.checksum) {
      throw new AppError(
        'MIGRATION_HISTORY_MISMATCH',
        `Migration ${row.version} (${row.name}) in the database differs from this app's ${ours.version} (${ours.name}).`,
        { version: row.version },
      );
    }
  });
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, m.checksum, Date.now());
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: migrations.length };
}
