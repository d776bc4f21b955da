/**
 * Where a running server's admin channel is found: one file per server
 * process in the data folder, `admin-channel-<pid>.json`, mode 0600 (it holds
 * the bearer token), removed when the server stops. One file per process
 * because several servers on one PostgreSQL may share a machine and a folder:
 * one stopping must not hide another. Each file names the database its server
 * serves, so a command for one database never reaches a server of another.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { currentProcess, isRunning, type ProcessIdentity } from '../store/process-identity.ts';

export interface ChannelRecord extends ProcessIdentity {
  /** http://127.0.0.1:PORT */
  url: string;
  token: string;
  /** databaseIdentity() of what the server serves. */
  database: string;
}

const PATTERN = /^admin-channel-(\d+)\.json$/;

export function channelFilePath(dir: string, pid = process.pid): string {
  return join(dir, `admin-channel-${pid}.json`);
}

/**
 * The same text for the same database, in the server and in the CLI: a
 * PGlite folder by its real path, a PostgreSQL URL without its password.
 */
export function databaseIdentity(options: { url?: string | undefined; dataDir: string }): string {
  if (options.url !== undefined && options.url !== '') {
    try {
      const url = new URL(options.url);
      url.password = '';
      url.searchParams.delete('password');
      return `postgres:${url.href}`;
    } catch {
      return `postgres:${options.url.replace(/:[^@/]*@/, '@')}`;
    }
  }
  let dir = resolve(options.dataDir);
  try {
    dir = realpathSync(dir);
  } catch {
    // not made yet: no server can be serving it
  }
  return `pglite:${dir}`;
}

/** Writes this process's channel file (whole, by rename) and returns its removal. */
export function writeChannelFile(dir: string, channel: Omit<ChannelRecord, keyof ProcessIdentity>): () => void {
  const path = channelFilePath(dir);
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, JSON.stringify({ ...currentProcess(), ...channel } satisfies ChannelRecord), { flag: 'wx', mode: 0o600 });
  renameSync(temporary, path);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', remove);
  return remove;
}

function readRecord(path: string): ChannelRecord | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<ChannelRecord>;
    if (typeof v.pid !== 'number' || typeof v.url !== 'string' || typeof v.token !== 'string' || typeof v.database !== 'string')
      return null;
    return { pid: v.pid, start: v.start ?? null, url: v.url, token: v.token, database: v.database };
  } catch {
    return null; // unreadable (another user's, or half-removed): not a channel this CLI can use
  }
}

function channelFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => PATTERN.test(f));
  } catch {
    return [];
  }
}

/** A running server's channel for `database` in `dir`, or null when none runs. */
export function findChannel(dir: string, database: string): ChannelRecord | null {
  for (const file of channelFiles(dir)) {
    const record = readRecord(join(dir, file));
    if (record !== null && record.database === database && isRunning(record)) return record;
  }
  return null;
}

/** Removes the files of servers that died without removing theirs (SIGKILL), so the folder shows what runs. */
export function removeDeadChannelFiles(dir: string): void {
  for (const file of channelFiles(dir)) {
    const record = readRecord(join(dir, file));
    if (record !== null && record.pid !== process.pid && !isRunning(record)) {
      try {
        unlinkSync(join(dir, file));
      } catch {
        // another server cleaned it first
      }
    }
  }
}
