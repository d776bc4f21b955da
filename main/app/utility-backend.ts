import type { BackendMessage, HostMessage } from '../backend/message-loop.ts';
import type { Logger } from '../backend/platform/logging.ts';
import { nextRestartDelay, RESTART_MIN_MS } from '../host-shared/restart-backoff.ts';

/**
 * The backend in Electron's utilityProcess (Actual Budget's pattern). The
 * main process only hosts it: each window gets a MessagePort pair, one end
 * to the window, one to the backend, and their calls never pass through
 * here. If the process dies it is started again and every window gets a new
 * port marked `restarted` (the preload turns that into `backend.restarted`).
 * `stop()` asks it to finish (the message loop drains, sync stops, the
 * database closes) and waits for 'stopped', killing it only after the grace time.
 */
export interface UtilityChild {
  readonly pid?: number | undefined;
  postMessage(message: unknown, transfer?: unknown[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
  stderr?: NodeJS.ReadableStream | null;
}

export interface PortPair<P> {
  port1: P;
  port2: P;
}

export interface UtilityBackendDeps<P> {
  fork(): UtilityChild;
  newChannel(): PortPair<P>;
  log: Logger;
  /** The backend's own log lines (it also writes its log file itself). */
  onLog?(line: string): void;
}

export type DeliverPort<P> = (port: P, restarted: boolean) => void;

export interface UtilityBackend<P> {
  /** A window wants a connection: `deliver` gets its port now (or once ready), and a new one after every restart. */
  attach(deliver: DeliverPort<P>): number;
  detach(conn: number): void;
  ready(): Promise<void>;
  stop(graceMs?: number): Promise<void>;
  readonly restarts: number;
}

export function startUtilityBackend<P>(deps: UtilityBackendDeps<P>): UtilityBackend<P> {
  const windows = new Map<number, DeliverPort<P>>();
  let nextConn = 1;
  let child!: UtilityChild;
  let isReady = false;
  let exited = false;
  let stopping = false;
  let restarts = 0;
  let restartDelay = RESTART_MIN_MS;
  let readyWaiters: (() => void)[] = [];
  let onStopped: (() => void) | null = null;

  const connect = (conn: number, deliver: DeliverPort<P>) => {
    const { port1, port2 } = deps.newChannel();
    send({ kind: 'connect', conn }, [port2]);
    deliver(port1, restarts > 0);
  };

  const spawn = () => {
    isReady = false;
    exited = false;
    const current = deps.fork();
    child = current;
    if (current.stderr) {
      current.stderr.setEncoding('utf8');
      let partial = '';
      current.stderr.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line) deps.onLog?.(line);
      });
    }
    current.on('message', (raw) => {
      const message = raw as BackendMessage;
      if (message?.kind === 'ready') {
        isReady = true;
        restartDelay = RESTART_MIN_MS;
        for (const [conn, deliver] of windows) connect(conn, deliver);
        for (const w of readyWaiters.splice(0)) w();
      } else if (message?.kind === 'stopped') onStopped?.();
    });
    current.on('exit', (code) => {
      if (current !== child) return;
      exited = true;
      isReady = false;
      onStopped?.();
      if (stopping) return;
      restarts++;
      const delay = restartDelay;
      restartDelay = nextRestartDelay(restartDelay);
      deps.log.log('error', 'backend.exited', { code, restartInMs: delay });
      setTimeout(() => {
        if (!stopping) spawn();
      }, delay).unref?.();
    });
  };

  function send(message: HostMessage | { kind: 'connect'; conn: number }, transfer?: unknown[]): void {
    if (!exited) child.postMessage(message, transfer);
  }

  spawn();
  return {
    attach(deliver) {
      const conn = nextConn++;
      windows.set(conn, deliver);
      if (isReady) connect(conn, deliver);
      return conn;
    },
    detach(conn) {
      windows.delete(conn);
    },
    ready: () => (isReady ? Promise.resolve() : new Promise((resolve) => readyWaiters.push(resolve))),
    async stop(graceMs = 5_000) {
      stopping = true;
      readyWaiters = [];
      if (exited) return;
      const done = new Promise<void>((resolve) => {
        onStopped = resolve;
      });
      send({ kind: 'shutdown' });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      if ((await Promise.race([done, timedOut])) === 'timeout') {
        deps.log.log('warn', 'backend.kill_after_grace', { graceMs });
        child.kill();
      }
      clearTimeout(timer);
    },
    get restarts() {
      return restarts;
    },
  };
}
