/**
 * Server processes on one PostgreSQL database, for the concurrency tests and
 * the sync benchmark: each a child process running the real server
 * (sync-postgres-server-child.ts), with its own event loop, pool and
 * turnstile, as several server processes behind a balancer in production.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContentionCounts } from '../../server/store/contention.ts';
import type { Db } from '../../server/store/db.ts';

export interface ServerProcess {
  url: string;
  /** Its log lines (info level unless started with 'warn'), as they arrive. */
  logs: string[];
  /** Its deadlocks and retries so far. */
  counts(): Promise<ContentionCounts>;
  close(): Promise<void>;
}

/** The connection string of the PostgreSQL database `db` is on (the tests' clusters trust the postgres user on 127.0.0.1). */
export async function databaseUrl(db: Db): Promise<string> {
  const [where] = await db.query<{ name: string; port: number }>('SELECT current_database() AS name, inet_server_port() AS port');
  return `postgres://postgres@127.0.0.1:${where!.port}/${where!.name}`;
}

const ENTRY = fileURLToPath(new URL('./sync-postgres-server-child.ts', import.meta.url));

/** Starts the server in a child process on `url`; its clock is `now` (fixed, as a test's manual clock) or the system clock. */
export async function startServerProcess(url: string, options: { now?: number; level?: 'info' | 'warn' } = {}): Promise<ServerProcess> {
  const child: ChildProcess = fork(ENTRY, [url, options.now === undefined ? '' : String(options.now), options.level ?? 'info'], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const logs: string[] = [];
  let countsWaiter: ((c: ContentionCounts) => void) | null = null;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it listened`)));
    child.on('message', (message: { url?: string; log?: string; counts?: ContentionCounts }) => {
      if (message.url !== undefined) resolve(message.url);
      if (message.log !== undefined) logs.push(message.log);
      if (message.counts !== undefined) countsWaiter?.(message.counts);
    });
  });
  const url_ = await listening;
  return {
    url: url_,
    logs,
    counts: () =>
      new Promise<ContentionCounts>((resolve) => {
        countsWaiter = resolve;
        child.send('counts');
      }),
    close: async () => {
      if (child.exitCode === null && child.connected) child.send('close');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
