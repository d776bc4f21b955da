import { fileURLToPath } from 'node:url';
import { readMigrationFiles, type Migration } from '../../node-shared/migration-files.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db } from './db.ts';

export const SERVER_MIGRATIONS_DIR = fileURLToPath(new URL('../../db/server/', import.meta.url));

const MIGRATION_LOCK_KEY = 72_617_300;

export type { Migration };

/** This database's migration files, in order. */
export function loadMigrations(dir: string = SERVER_MIGRATIONS_DIR): Migration[] {
  return readMigrationFiles(dir);
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the database up to the newest migration, each in its own transaction
 * together with its schema_migrations row. Refuses a database written by a
 * newer server and a history that is not a prefix of ours (an edited or
 * foreign migration). An advisory lock keeps two servers starting at once from
 * racing; the history is checked again inside every transaction.
 */
export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<{ from: number; to: number }> {
  let from: number | null = null;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const applied = await tx.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
      from ??= applied.length;
      checkHistory(applied, migrations);
      const next = migrations[applied.length];
      if (next === undefined) return true;
      await tx.exec(next.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        next.version,
        next.name,
        next.checksum,
        Date.now(),
      ]);
      return false;
    });
    if (done) return { from: from ?? 0, to: migrations.length };
  }
}

function checkHistory(applied: AppliedRow[], migrations: Migration[]): void {
  if (applied.length > migrations.length) {
    throw new AppError(
      'DATABASE_TOO_NEW',
      `The database was written by a newer server (schema ${applied.length}, this server knows ${migrations.length}). Update the server; the database was not changed.`,
      { databaseVersion: applied.length, appVersion: migrations.length },
    );
  }
  applied.forEach((row, i) => {
    const ours = migrations[i]!;
    if (row.version !== ours.version || row.name !== ours.name || row.checksum !== ours.checksum) {
      throw new AppError(
        'MIGRATION_HISTORY_MISMATCH',
        `Migration ${row.version} (${row.name}) in the database differs from this server's ${ours.version} (${ours.name}).`,
        { version: row.version },
      );
    }
  });
}
