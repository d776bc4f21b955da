import Database from 'better-sqlite3';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReadableDb } from '../store/connection.ts';
import type { Logger } from './logging.ts';
import { isSealedBackup, openSealedFile, sealFile } from './sealed-backup.ts';

/**
 * Database backups with SQLite's online backup API: a consistent copy taken
 * while sales go on (better-sqlite3 copies pages in steps between commits).
 * Each copy is made beside the database (never in the backup folder, which
 * may be a share), checked, then encrypted (sealed-backup.ts, under the
 * device key's 'backup' key) to a temporary name in the backup folder, read
 * back, fsynced and only then renamed to `terminal-<UTC time>.sqlite.enc`, so
 * a backup file that exists is whole and opens only on this terminal. The
 * plain copy is deleted. The newest `keep` are kept. Plain `.sqlite` backups
 * left by an older version are encrypted (and the plain file deleted) at the
 * next run.
 */
const NAME = /^terminal-(\d{8}T\d{6}\d{3}Z)\.sqlite\.enc$/;
/** A plain backup made before backups were encrypted. */
const PLAIN_NAME = /^terminal-(\d{8}T\d{6}\d{3}Z)\.sqlite$/;

export function backupFileName(now: number): string {
  return `terminal-${new Date(now).toISOString().replace(/[-:.]/g, '')}.sqlite.enc`;
}

/** Backups in `dir` (encrypted, and any plain one left from before), newest first. */
export function listBackups(dir: string): { name: string; path: string; bytes: number; encrypted: boolean }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => NAME.test(n) || PLAIN_NAME.test(n))
    .sort()
    .reverse()
    .map((name) => ({ name, path: join(dir, name), bytes: statSync(join(dir, name)).size, encrypted: NAME.test(name) }));
}

/** Which backups to delete to keep the newest `keep` (pure: names sort by time). */
export function backupsToPrune(names: readonly string[], keep: number): string[] {
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .slice(keep);
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/** Encrypts `plainPath` to `finalPath` through `<finalPath>.partial`: read back, fsynced, renamed. */
async function sealInto(plainPath: string, finalPath: string, key: Buffer): Promise<void> {
  const partial = `${finalPath}.partial`;
  rmSync(partial, { force: true });
  try {
    await sealFile(plainPath, partial, key);
    await openSealedFile(partial, null, key);
    renameSync(partial, finalPath);
    fsyncFile(dirname(finalPath));
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

export async function backupDatabase(db: ReadableDb, dir: string, options: { keep: number; now: number; key: Buffer }): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const finalPath = join(dir, backupFileName(options.now));
  // The plain copy lives beside the database it copies, for as long as the backup takes.
  const plainPath = `${db.name}.backup-partial`;
  removeDatabaseFiles(plainPath);
  try {
    await db.backup(plainPath);
    selfContained(plainPath);
    checkBackup(plainPath);
    await sealInto(plainPath, finalPath, options.key);
  } finally {
    removeDatabaseFiles(plainPath);
  }
  try {
    await sealPlainBackups(dir, options.key);
  } finally {
    // A plain backup that could not be encrypted this time is tried again next time; retention goes on.
    for (const name of backupsToPrune(readdirSync(dir), options.keep)) rmSync(join(dir, name), { force: true });
  }
  return finalPath;
}

/** Plain backups left from before: each encrypted beside itself, then the plain file deleted. Returns how many. */
export async function sealPlainBackups(dir: string, key: Buffer): Promise<number> {
  let sealed = 0;
  for (const name of readdirSync(dir).filter((n) => PLAIN_NAME.test(n))) {
    const plain = join(dir, name);
    const target = `${plain}.enc`;
    let exists = true;
    try {
      statSync(target);
    } catch {
      exists = false;
    }
    if (!exists) await sealInto(plain, target, key); // else: sealed before a crash, the plain file not yet deleted
    rmSync(plain, { force: true });
    fsyncFile(dir);
    sealed++;
  }
  return sealed;
}

/** The copy inherits WAL mode; a backup must be one file that can be copied anywhere on its own. */
function selfContained(path: string): void {
  const copy = new Database(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** Throws unless the file is a sound SQLite database (quick_check). */
export function checkBackup(path: string): void {
  const copy = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = copy.pragma('quick_check') as Record<string, string>[];
    const problems = rows.map((r) => Object.values(r)[0]).filter((m) => m !== 'ok');
    if (problems.length > 0) throw new Error(`backup ${basename(path)} failed its check: ${problems.slice(0, 3).join('; ')}`);
  } finally {
    copy.close();
  }
}

/**
 * Restore: the terminal must be stopped. The backup is decrypted with this
 * terminal's backup key (a plain one from before is copied) to `<db>.restoring`
 * and checked first: a backup of another terminal, or damaged, is refused
 * with nothing changed. Only then is the current database (and its WAL) moved
 * aside as `<db>.before-restore-<time>`, never deleted, and the copy renamed in.
 */
export async function restoreBackup(backupPath: string, dbPath: string, now: number, key: Buffer): Promise<{ movedAside: string | null }> {
  const temp = `${dbPath}.restoring`;
  removeDatabaseFiles(temp);
  try {
    if (await isSealedBackup(backupPath)) await openSealedFile(backupPath, temp, key);
    else {
      checkBackup(backupPath);
      copyFileSync(backupPath, temp);
    }
    checkBackup(temp);
    fsyncFile(temp);
  } catch (error) {
    removeDatabaseFiles(temp);
    throw error;
  }
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  let movedAside: string | null = null;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      statSync(dbPath + suffix);
    } catch {
      continue;
    }
    const aside = `${dbPath}.before-restore-${stamp}${suffix}`;
    renameSync(dbPath + suffix, aside);
    if (suffix === '') movedAside = aside;
  }
  renameSync(temp, dbPath);
  fsyncFile(dirname(dbPath));
  return { movedAside };
}

export interface BackupSchedule {
  /** No further backups; resolves when the one under way (if any) has finished, before the database closes. */
  stop(): Promise<void>;
  /** Runs one backup now (also used by tests). */
  runNow(): Promise<string | null>;
}

/** A backup every `intervalMs`; one never overlaps another; a failure is logged and retried next time. */
export function scheduleBackups(
  db: ReadableDb,
  options: {
    dir: string;
    keep: number;
    intervalMs: number;
    now: () => number;
    log: Logger;
    /** The device key's 'backup' key (sealed-keys.ts). */
    key: () => Buffer;
  },
): BackupSchedule {
  let running: Promise<string | null> | null = null;
  const runNow = () => {
    running ??= Promise.resolve()
      .then(() => backupDatabase(db, options.dir, { keep: options.keep, now: options.now(), key: options.key() }))
      .then((path) => {
        options.log.log('info', 'backup.written', { file: basename(path) });
        return path;
      })
      .catch((error: unknown) => {
        options.log.log('error', 'backup.failed', { error: error instanceof Error ? error.message : String(error) });
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
    runNow,
  };
}

function fsyncFile(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (error) {
    // Windows cannot open a directory to fsync it; the rename is durable enough there.
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
