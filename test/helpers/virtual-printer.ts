import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ReadStream } from 'node:tty';
import { startPtyPair, type PtyPair } from './pty-pair.ts';

/**
 * A thermal printer for tests, at the far end of a real PTY pair (socat) or
 * of a TCP port the test listens on. It records every byte it receives,
 * answers ESC/POS state requests (DLE EOT n) like a real printer (one status
 * byte each: online and paper present, or paper out), and tells the test when
 * a job has been cut (GS V).
 */
export interface VirtualPrinter {
  /** Where the terminal prints: the PTY device path, or 127.0.0.1:port. */
  readonly target: string;
  readonly received: () => Uint8Array;
  /** Resolves once `count` cuts have arrived (or rejects after `ms`). */
  cut(count?: number, ms?: number): Promise<Uint8Array>;
  paperOut: boolean;
  /** Stop answering state requests, as many cheap printers do. */
  silent: boolean;
  clear(): void;
  stop(): Promise<void>;
}

function printerBrain(reply: (bytes: Uint8Array) => void) {
  const chunks: Buffer[] = [];
  let scanned = 0;
  const waiters = new Set<() => void>();
  const state = { paperOut: false, silent: false };
  const all = () => Buffer.concat(chunks);
  return {
    state,
    all,
    clear() {
      chunks.length = 0;
      scanned = 0;
    },
    onData(chunk: Buffer) {
      chunks.push(chunk);
      const data = all();
      // DLE EOT n: answer each state request once, as it arrives.
      for (; scanned + 2 < data.length; scanned++) {
        if (data[scanned] !== 0x10 || data[scanned + 1] !== 0x04) continue;
        const n = data[scanned + 2]!;
        if (!state.silent) reply(Uint8Array.of(n === 4 && state.paperOut ? 0x72 : 0x12));
        scanned += 2;
      }
      for (const w of [...waiters]) w();
    },
    cuts(): number {
      const data = all();
      let count = 0;
      for (let i = 0; i + 1 < data.length; i++) if (data[i] === 0x1d && data[i + 1] === 0x56) count++;
      return count;
    },
    waiters,
  };
}

function withBrain(target: string, brain: ReturnType<typeof printerBrain>, stop: () => Promise<void>): VirtualPrinter {
  return {
    target,
    received: () => new Uint8Array(brain.all()),
    get paperOut() {
      return brain.state.paperOut;
    },
    set paperOut(v) {
      brain.state.paperOut = v;
    },
    get silent() {
      return brain.state.silent;
    },
    set silent(v) {
      brain.state.silent = v;
    },
    clear: () => brain.clear(),
    cut(count = 1, ms = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (brain.cuts() < count) return false;
          brain.waiters.delete(onData);
          clearTimeout(timer);
          // The cut command's own bytes may still be on their way: give them a moment.
          setTimeout(() => resolve(new Uint8Array(brain.all())), 50);
          return true;
        };
        const onData = () => void check();
        const timer = setTimeout(() => {
          brain.waiters.delete(onData);
          reject(new Error(`the virtual printer saw ${brain.cuts()} cut(s) of ${count} within ${ms} ms (${brain.all().length} bytes)`));
        }, ms);
        if (!check()) brain.waiters.add(onData);
      });
    },
    stop,
  };
}

/** A printer on a PTY: the terminal opens `target` as its serial port or device file. */
export async function startPtyPrinter(dir: string, name = 'printer'): Promise<VirtualPrinter> {
  const pty: PtyPair = await startPtyPair(dir, { scanner: name, host: `${name}-far-end` });
  // O_NOCTTY: the test process must not adopt the PTY as its controlling terminal.
  const fd = openSync(pty.hostPath, constants.O_RDWR | constants.O_NOCTTY);
  const brain = printerBrain((bytes) => writeSync(fd, bytes));
  const stream = new ReadStream(fd);
  stream.on('data', (chunk: Buffer) => brain.onData(chunk));
  stream.on('error', () => {});
  return withBrain(pty.scannerPath, brain, async () => {
    stream.destroy();
    try {
      closeSync(fd);
    } catch {
      // the stream closed it
    }
    await pty.stop();
  });
}

/** A network printer: raw TCP on 127.0.0.1, as on port 9100. */
export async function startTcpPrinter(): Promise<VirtualPrinter & { port: number }> {
  const sockets = new Set<Socket>();
  let current: Socket | null = null;
  const brain = printerBrain((bytes) => current?.write(bytes));
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    current = socket;
    socket.on('data', (chunk) => brain.onData(chunk));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const printer = withBrain(`127.0.0.1:${port}`, brain, async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return Object.assign(printer, { port });
}
