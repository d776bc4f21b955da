import Database from 'better-sqlite3';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReadableDb } from '../store/connection.ts';
import type { Logger } from './logging.ts';

/**
 * Database backups with SQLite's online backup API: a consistent copy taken
 * while sales go on (better-sqlite3 copies pages in steps between commits).
 * Each copy is written to a temporary name, checked, fsynced and only then
 * renamed to `terminal-<UTC time>.sqlite`, so a backup file that exists is
 * whole. The newest `keep` are kept.
 */
const NAME = /^terminal-(\d{8}T\d{6}\d{3}Z)\.sqlite$/;

export function backupFileName(now: number): string {
  return `terminal-${new Date(now).toISOString().replace(/[-:.]/g, '')}.sqlite`;
}

/** Backups in `dir`, newest first. */
export function listBackups(dir: string): { name: string; path: string; bytes: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .map((name) => ({ name, path: join(dir, name), bytes: statSync(join(dir, name)).size }));
}

/** Which backups to delete to keep the newest `keep` (pure: names sort by time). */
export function backupsToPrune(names: readonly string[], keep: number): string[] {
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .slice(keep);
}

export async function backupDatabase(db: ReadableDb, dir: string, options: { keep: number; now: number }): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const finalPath = join(dir, backupFileName(options.now));
  const tempPath = `${finalPath}.partial`;
  rmSync(tempPath, { force: true });
  try {
    await db.backup(tempPath);
    selfContained(tempPath);
    checkBackup(tempPath);
    fsyncFile(tempPath);
    renameSync(tempPath, finalPath);
    fsyncFile(dir);
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tempPath + suffix, { force: true });
    throw error;
  }
  for (const name of backupsToPrune(readdirSync(dir), options.keep)) rmSync(join(dir, name), { force: true });
  return finalPath;
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
 * Restore: the terminal must be stopped. The backup is checked first; the
 * current database (and its WAL) is moved aside as `<db>.before-restore-<time>`,
 * never deleted; the copy is made under a temporary name and renamed in.
 */
export function restoreBackup(backupPath: string, dbPath: string, now: number): { movedAside: string | null } {
  checkBackup(backupPath);
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
  const temp = `${dbPath}.restoring`;
  copyFileSync(backupPath, temp);
  fsyncFile(temp);
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
  options: { dir: string; keep: number; intervalMs: number; now: () => number; log: Logger },
): BackupSchedule {
  let running: Promise<string | null> | null = null;
  const runNow = () => {
    running ??= backupDatabase(db, options.dir, { keep: options.keep, now: options.now() })
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
