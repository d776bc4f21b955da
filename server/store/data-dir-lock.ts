/**
 * One process per PGlite data folder. PGlite is PostgreSQL in WebAssembly
 * without a postmaster: two processes on one folder each keep their own
 * buffers and overwrite each other's files, and acknowledged sales are lost
 * (issue 14). So whoever opens a folder first takes `loyalty-server.lock` in
 * it, and every later opener is refused at once while the holder runs.
 *
 * The lock file is made complete under a private name and then hard-linked
 * into place (link fails if the name exists), so nobody ever reads half a
 * lock. A lock whose process no longer runs (SIGKILL, power cut) is stale and
 * is taken over; taking over happens under a second, short-lived file
 * (`.takeover`) so two processes racing for one stale lock cannot both win,
 * nor can one delete the lock the other has just taken.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentProcess, isRunning, type ProcessIdentity } from './process-identity.ts';

export const LOCK_FILE = 'loyalty-server.lock';

export interface LockHolder extends ProcessIdentity {
  /** What holds it, for the message a refused opener shows: "the loyalty server", "an admin command". */
  holder: string;
  /** When it was taken (ISO). */
  since: string;
}

/** What a second server should do; the CLI words it for its own case (server/main.ts). */
const defaultAdvice = (dir: string) =>
  'Only one process may open an embedded database: stop that one first, or give this one another --data folder. ' +
  `Admin commands (npm run server -- <command> --data ${dir}) run while the server runs: they go through it automatically.`;

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
    advice = defaultAdvice(dir),
  ) {
    super(
      holder.pid === process.pid
        ? `${dir} is already open in this process: close it first.`
        : `${dir} is in use by ${holder.holder} (pid ${holder.pid}, since ${holder.since}). ${advice}`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

/** Locks still held by this process: removed on exit, whatever path the exit takes. */
const held = new Set<() => void>();
process.on('exit', () => {
  for (const release of [...held]) release();
});

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    return typeof v.pid === 'number'
      ? { pid: v.pid, start: v.start ?? null, holder: v.holder ?? 'another process', since: v.since ?? '?' }
      : null;
  } catch {
    return null; // written whole before it was linked in: garbage is damage, and nobody holds it
  }
}

const isCode = (err: unknown, code: string) => (err as NodeJS.ErrnoException).code === code;

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (!isCode(err, 'ENOENT')) throw err;
  }
}

/**
 * Removes a stale lock whose text is `staleText`, unless someone else is
 * taking it over right now (false: try again shortly). Only this function
 * removes another process's lock, and only while it holds `.takeover`.
 */
function takeOver(lockPath: string, staleText: string, candidate: string): boolean {
  const takeoverPath = `${lockPath}.takeover`;
  try {
    linkSync(candidate, takeoverPath);
  } catch (err) {
    if (!isCode(err, 'EEXIST')) throw err;
    const other = readText(takeoverPath);
    const who = other === null ? null : parseHolder(other);
    // The takeover lasts a few system calls; one left behind means its process died inside them.
    // Two processes removing such a leftover at once is the one race this leaves open.
    if (other !== null && (who === null || !isRunning(who)) && readText(takeoverPath) === other) unlinkIfPresent(takeoverPath);
    return false;
  }
  try {
    if (readText(lockPath) === staleText) unlinkSync(lockPath);
  } finally {
    unlinkSync(takeoverPath);
  }
  return true;
}

/** Takes the data folder's lock for this process, or throws DataDirInUseError naming the process that holds it. */
export async function lockDataDir(dir: string, holder: string): Promise<DataDirLock> {
  const lockPath = join(dir, LOCK_FILE);
  const mine = JSON.stringify({ ...currentProcess(), holder, since: new Date().toISOString() } satisfies LockHolder);
  const candidate = join(dir, `${LOCK_FILE}.${process.pid}.${randomBytes(6).toString('hex')}`);
  writeFileSync(candidate, mine, { flag: 'wx', mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 500; attempt++) {
      try {
        linkSync(candidate, lockPath);
        const release = () => {
          held.delete(release);
          // Never remove a lock that is no longer ours (one taken over after this process was judged gone).
          if (readText(lockPath) === mine) unlinkIfPresent(lockPath);
        };
        held.add(release);
        return { release };
      } catch (err) {
        if (!isCode(err, 'EEXIST')) throw err;
      }
      const text = readText(lockPath);
      if (text === null) continue; // released in between: try again
      const other = parseHolder(text);
      if (other !== null && isRunning(other)) throw new DataDirInUseError(dir, other);
      if (!takeOver(lockPath, text, candidate)) await sleep(10);
    }
    throw new Error(`Could not lock ${dir}: its lock kept changing hands.`);
  } finally {
    unlinkIfPresent(candidate);
  }
}
