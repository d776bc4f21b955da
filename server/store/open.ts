import { mkdirSync } from 'node:fs';
import { lockDataDir } from './data-dir-lock.ts';
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
  /** Who opens a PGlite folder, for the message a second opener gets ("the loyalty server"). */
  holder?: string | undefined;
}

/**
 * Opens the database (DATABASE_URL → PostgreSQL, else PGlite in a directory) and migrates it.
 * A PGlite folder is locked to this process until close (data-dir-lock.ts): a
 * second opener gets DataDirInUseError. PostgreSQL and memory:// need no lock.
 */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  let db: Db;
  if (options.url !== undefined && options.url !== '') {
    db = await openPostgres(options.url);
  } else {
    const dir = options.dataDir ?? DEFAULT_DATA_DIR;
    if (dir === 'memory://') db = await openPglite(undefined);
    else {
      mkdirSync(dir, { recursive: true });
      const lock = await lockDataDir(dir, options.holder ?? 'a loyalty server process');
      try {
        db = releasingOnClose(await openPglite(dir), lock.release);
      } catch (err) {
        lock.release();
        throw err;
      }
    }
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

function releasingOnClose(db: Db, release: () => void): Db {
  // A spread keeps whatever else the driver's object carries; only close changes.
  return {
    ...db,
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}
