import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';
import { migrate } from './migrations.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export const DEFAULT_DATA_DIR = './.data/server';

export interface OpenOptions {
  /** A PostgreSQL connection string; wins over `dataDir`. */
  url?: string | undefined;
  /** PGlite data directory; 'memory://' for a throwaway in-memory database. */
  dataDir?: string | undefined;
}

/** Opens the database (DATABASE_URL → PostgreSQL, else PGlite in a directory) and migrates it. */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  let db: Db;
  if (options.url !== undefined && options.url !== '') {
    db = await openPostgres(options.url);
  } else {
    const dir = options.dataDir ?? DEFAULT_DATA_DIR;
    if (dir !== 'memory://') mkdirSync(dir, { recursive: true });
    db = await openPglite(dir === 'memory://' ? undefined : dir);
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
