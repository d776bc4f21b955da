/**
 * The data folder's lock (server/store/data-dir-lock.ts) on its own: taken
 * over when its process is gone, refused while it runs, and, when several
 * processes race for one stale lock, won by exactly one of them. The race
 * checks the outcome only: the window the takeover file closes (between
 * reading a stale lock and removing it) is a few microseconds, and a run
 * here rarely hits it; why the protocol holds is argued in the module.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../server/store/data-dir-lock.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

/** A pid that ran a moment ago and runs no more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('data folder lock', () => {
  it('is refused in this process while held, released on release, and taken over from a process that is gone or from garbage', async () => {
    const dir = scratchDir('lt-lock-');
    try {
      const lock = await lockDataDir(dir, 'the loyalty server');
      const refused = await lockDataDir(dir, 'an admin command').catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect((refused as Error).message).toBe(`${dir} is already open in this process: close it first.`);
      lock.release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), start: null, holder: 'the loyalty server', since: 'then' }));
      const taken = await lockDataDir(dir, 'an admin command');
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, holder: 'an admin command' });
      taken.release();

      writeFileSync(join(dir, LOCK_FILE), '{"pi');
      (await lockDataDir(dir, 'an admin command')).release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('goes to one of eight processes racing for a stale lock; the others are told who holds it', async () => {
    const dir = scratchDir('lt-lock-race-');
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), start: null, holder: 'the loyalty server', since: 'then' }));
      const startAt = Date.now() + 3_000; // after every child has loaded: they go at once
      const script = `
        import { lockDataDir } from './server/store/data-dir-lock.ts';
        while (Date.now() < ${startAt}) await new Promise((r) => setTimeout(r, 1));
        try {
          await lockDataDir(${JSON.stringify(dir)}, 'racer');
          console.log('won');
          await new Promise((r) => setTimeout(r, 1500)); // hold it while the others try
        } catch (err) {
          console.log('refused: ' + err.message);
        }`;
      const racers = await Promise.all(
        Array.from(
          { length: 8 },
          () =>
            new Promise<{ pid: number; out: string }>((resolve, reject) => {
              const child = execFile(
                process.execPath,
                ['--import', 'tsx', '--input-type=module', '-e', script],
                { cwd: process.cwd() },
                (err, stdout) => (err === null ? resolve({ pid: child.pid!, out: stdout.trim() }) : reject(err)),
              );
            }),
        ),
      );
      const winners = racers.filter((r) => r.out === 'won');
      expect(winners).toHaveLength(1);
      for (const r of racers.filter((x) => x !== winners[0]))
        expect(r.out).toContain(`refused: ${dir} is in use by racer (pid ${winners[0]!.pid}, since `);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false); // the winner's exit released it
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
