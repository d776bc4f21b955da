/**
 * Who holds a data folder: a pid and, where the OS tells it (Linux /proc), the
 * process's start time. A pid alone is not enough: after a crash or a reboot
 * another process may get the same number, and a lock naming it would look
 * held for ever (PostgreSQL's postmaster.pid has the same problem).
 */
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/PID/stat field 22); null where unknown. */
  start: string | null;
}

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, start: startTime(process.pid) };
}

/** True while the process that wrote `who` runs (a process of another user counts). */
export function isRunning(who: ProcessIdentity): boolean {
  if (!Number.isSafeInteger(who.pid) || who.pid <= 0) return false;
  try {
    process.kill(who.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (who.start === null) return true;
  const now = startTime(who.pid);
  return now === null || now === who.start;
}
