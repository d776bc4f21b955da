/**
 * PGlite's first start runs initdb in WebAssembly (4–7 s here); reopening a
 * data directory takes under a second. So the server's tests migrate one
 * template directory per schema version (cached in the temp dir, made
 * atomically by rename) and give every harness a copy of it.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadMigrations } from '../../server/store/migrations.ts';
import { openDatabase } from '../../server/store/open.ts';
import { testMasterKeyFile } from './master-key-file.ts';
import { scratchDir, scratchRoot } from '../helpers/scratch-dir.ts';

async function templateDir(): Promise<string> {
  const key = createHash('sha256')
    .update(
      loadMigrations()
        .map((m) => m.checksum)
        .join(),
    )
    .digest('hex')
    .slice(0, 16);
  const dir = join(scratchRoot(), `lt-server-pglite-template-${key}`);
  if (existsSync(dir)) return dir;
  const building = scratchDir('lt-server-pglite-building-');
  const db = await openDatabase({ dataDir: building, masterKeyFile: testMasterKeyFile() });
  await db.close();
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another test file won the race
  }
  return dir;
}

/** A fresh, migrated PGlite data directory. */
export async function pgliteDataDir(): Promise<string> {
  const template = await templateDir();
  const dir = scratchDir('lt-server-pglite-');
  cpSync(template, dir, { recursive: true });
  return dir;
}
