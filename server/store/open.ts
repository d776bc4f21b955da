import { mkdirSync } from 'node:fs';
import {
  attachMasterKey,
  defaultMasterKeyPath,
  ensureMasterKeyFile,
  ephemeralMasterKey,
  readMasterKeyFile,
  sealPlainSigningKeys,
  type MasterKey,
} from '../tokens/master-key.ts';
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
  /**
   * The master key file the token-signing keys are sealed under (tokens/master-key.ts); it must exist.
   * Absent: a PGlite folder's default key file beside it (made on first use), a throwaway key for
   * memory://, and none for PostgreSQL (then tokens cannot be signed; server/main.ts requires one).
   */
  masterKeyFile?: string | undefined;
  /** The master key itself (tests); wins over `masterKeyFile`. */
  masterKey?: MasterKey | undefined;
  /** Told which key file is used and whether it was just made (server/main.ts says so in its log). */
  onMasterKey?: ((event: { path: string; created: boolean }) => void) | undefined;
}

/**
 * Opens the database (DATABASE_URL → PostgreSQL, else PGlite in a directory) and migrates it.
 * A PGlite folder is locked to this process until close (data-dir-lock.ts): a
 * second opener gets DataDirInUseError. PostgreSQL and memory:// need no lock.
 */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  // The key first: a missing or unreadable key file stops here, before the database is touched.
  const masterKey = resolveMasterKey(options);
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
    if (masterKey !== null) {
      // Keys from a server before master keys are sealed now; a wrong master key fails here, nothing written.
      await sealPlainSigningKeys(db, masterKey);
      attachMasterKey(db, masterKey);
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

function resolveMasterKey(options: OpenOptions): MasterKey | null {
  if (options.masterKey !== undefined) return options.masterKey;
  if (options.masterKeyFile !== undefined && options.masterKeyFile !== '') {
    const masterKey = readMasterKeyFile(options.masterKeyFile);
    options.onMasterKey?.({ path: options.masterKeyFile, created: false });
    return masterKey;
  }
  if (options.url !== undefined && options.url !== '') return null;
  const dir = options.dataDir ?? DEFAULT_DATA_DIR;
  if (dir === 'memory://') return ephemeralMasterKey();
  const path = defaultMasterKeyPath(dir);
  const { masterKey, created } = ensureMasterKeyFile(path);
  options.onMasterKey?.({ path, created });
  return masterKey;
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
