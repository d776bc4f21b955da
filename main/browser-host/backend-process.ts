import { fork, type ChildProcess } from 'node:child_process';
import type { BackendEvent, Request, Response } from '../../shared/api.ts';
import type { BackendMessage, HostMessage } from '../backend/message-loop.ts';
import { nextRestartDelay, RESTART_MIN_MS } from '../host-shared/restart-backoff.ts';

/**
 * The backend as a Node child process with an IPC channel: the same entry
 * point and message loop the Electron shell runs in a utilityProcess. If it
 * dies, calls in flight get a typed error, it is started again, and every
 * screen hears `backend.restarted`.
 */
export interface BackendProcessOptions {
  /** main/backend/process-main.ts (run through tsx) or its bundled .js. */
  entry: string;
  env: Record<string, string>;
  onReply(conn: number, response: Response): void;
  onEvent(event: BackendEvent): void;
  /** The backend's structured log lines (stderr). */
  onLog?(line: string): void;
}

export interface BackendProcess {
  call(conn: number, request: Request): void;
  /** Forget a screen that went away; its late replies are dropped by the caller. */
  readonly pid: number | undefined;
  /** Asks the backend to finish and close its database; kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the (current) process has said it is ready. */
  ready(): Promise<void>;
}

export function startBackendProcess(options: BackendProcessOptions): BackendProcess {
  let child: ChildProcess;
  let readyPromise: Promise<void>;
  let stopping = false;
  let restartDelay = RESTART_MIN_MS;
  // Calls sent and not yet answered, so a crash can answer them.
  const inFlight = new Map<string, { conn: number; id: number }>();

  const spawn = () => {
    child = fork(options.entry, [], {
      env: { ...process.env, ...options.env },
      execArgv: options.entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    child.stderr?.setEncoding('utf8');
    let partial = '';
    child.stderr?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) (options.onLog ?? defaultLog)(line);
    });
    readyPromise = new Promise((resolve, reject) => {
      const onMessage = (message: BackendMessage) => {
        if (message.kind === 'ready') {
          restartDelay = RESTART_MIN_MS;
          resolve();
        } else if (message.kind === 'reply') {
          inFlight.delete(key(message.conn, message.response.id));
          options.onReply(message.conn, message.response);
        } else if (message.kind === 'event') {
          options.onEvent(message.event);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        reject(new Error(`backend exited before it was ready (code ${code}, signal ${signal})`));
        onExit();
      });
    });
    readyPromise.catch(() => {});
  };

  const onExit = () => {
    for (const { conn, id } of inFlight.values()) {
      options.onReply(conn, {
        id,
        ok: false,
        error: {
          code: 'INTERNAL',
          message: 'The terminal restarted while answering. Check the last sale on screen, then try again: a retry never doubles it.',
        },
      });
    }
    inFlight.clear();
    if (stopping) return;
    const delay = restartDelay;
    restartDelay = nextRestartDelay(restartDelay);
    setTimeout(() => {
      if (stopping) return;
      spawn();
      readyPromise.then(() => options.onEvent({ name: 'backend.restarted', at: Date.now() })).catch(() => {});
    }, delay).unref();
  };

  spawn();
  return {
    get pid() {
      return child.pid;
    },
    call(conn, request) {
      const id = typeof request?.id === 'number' ? request.id : -1;
      inFlight.set(key(conn, id), { conn, id });
      // Sent once the process is ready; a call made during a restart waits for the new process.
      readyPromise.then(
        () => send({ kind: 'call', conn, request }),
        () => {},
      );
    },
    ready: () => readyPromise,
    async stop(graceMs = 5_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ kind: 'shutdown' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  function send(message: HostMessage) {
    if (child.connected) child.send(message);
  }
}

function key(conn: number, id: number): string {
  return `${conn}:${id}`;
}

function defaultLog(line: string): void {
  process.stderr.write(line + '\n');
}
