import { autoDetect } from '@serialport/bindings-cpp';
// The serialport binding types: the package's "exports" map has types only for require (a type import, erased at build).
import type { BindingInterface, BindingPortInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { constants } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { PrinterConfig } from './printer-config.ts';

/**
 * The wire to a receipt printer: a serial port (through serialport's native
 * binding), a USB printer's device file, or a raw TCP socket (port 9100).
 * Each can write; serial and TCP can also read the printer's answers to a
 * state request. Every wait has a deadline: a printer that is off, unplugged
 * or jammed never holds the checkout.
 */
export interface PrinterLink {
  write(bytes: Uint8Array): Promise<void>;
  /** Up to `count` bytes the printer sent within `ms`; fewer (or none) when it said nothing. */
  read(count: number, ms: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export class PrinterLinkError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'timeout' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'PrinterLinkError';
  }
}

export async function openPrinterLink(
  config: PrinterConfig,
  options: { binding?: BindingInterface; timeoutMs: number },
): Promise<PrinterLink> {
  switch (config.kind) {
    case 'network':
      return openTcp(config.host, config.port, options.timeoutMs);
    case 'usb':
      return openDeviceFile(config.path);
    case 'serial':
      return openSerial(config.path, config.baudRate, options.binding ?? autoDetect());
  }
}

/** An OS error as the reason IT and the cashier can act on. */
export function linkError(error: unknown, target: string): PrinterLinkError {
  if (error instanceof PrinterLinkError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || /no such file|cannot open/i.test(text))
    return new PrinterLinkError('unreachable', `no printer at ${target} (unplugged or switched off?)`);
  if (code === 'EACCES' || code === 'EPERM' || /permission denied/i.test(text))
    return new PrinterLinkError('unreachable', `no permission to open ${target} (add the terminal's user to the dialout or lp group)`);
  if (code === 'ECONNREFUSED') return new PrinterLinkError('unreachable', `the printer at ${target} refused the connection`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new PrinterLinkError('unreachable', `the printer at ${target} cannot be reached on the network`);
  if (code === 'ENODEV' || code === 'ENXIO' || code === 'EIO' || code === 'EPIPE' || code === 'ECONNRESET')
    return new PrinterLinkError('unreachable', `the printer at ${target} went away (${code})`);
  return new PrinterLinkError('failed', `printing to ${target} failed: ${text.slice(0, 200)}`);
}

function openTcp(host: string, port: number, timeoutMs: number): Promise<PrinterLink> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    socket.setNoDelay(true);
    const received: Buffer[] = [];
    let wake: (() => void) | null = null;
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      wake?.();
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PrinterLinkError('timeout', `no answer from the printer at ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      let failure: Error | null = null;
      socket.on('error', (error) => {
        failure = error;
        wake?.();
      });
      resolve({
        write: (bytes) =>
          new Promise((ok, fail) => {
            if (failure) return fail(failure);
            socket.write(bytes, (error) => (error ? fail(error) : ok()));
          }),
        read: (count, ms) => readBuffered(received, count, ms, (w) => (wake = w)),
        close: () =>
          new Promise((done) => {
            if (socket.destroyed) return done();
            socket.once('close', () => done());
            socket.end();
            // A printer that never closes its side is not waited for.
            setTimeout(() => socket.destroy(), 1_000).unref();
          }),
      });
    });
  });
}

async function readBuffered(
  received: Buffer[],
  count: number,
  ms: number,
  setWake: (wake: (() => void) | null) => void,
): Promise<Uint8Array> {
  const deadline = Date.now() + ms;
  for (;;) {
    const have = Buffer.concat(received);
    if (have.length >= count || Date.now() >= deadline) {
      received.length = 0;
      if (have.length > count) received.push(have.subarray(count));
      return have.subarray(0, count);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, deadline - Date.now());
      setWake(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    setWake(null);
  }
}

async function openDeviceFile(path: string): Promise<PrinterLink> {
  // O_NOCTTY: a device node that is a terminal must not become this process's controlling terminal.
  const handle: FileHandle = await openFile(path, constants.O_WRONLY | constants.O_NOCTTY);
  return {
    async write(bytes) {
      let written = 0;
      while (written < bytes.length) written += (await handle.write(bytes, written)).bytesWritten;
    },
    read: async () => new Uint8Array(0),
    close: () => handle.close(),
  };
}

async function openSerial(path: string, baudRate: number, binding: BindingInterface): Promise<PrinterLink> {
  const port: BindingPortInterface = await binding.open({ path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, lock: false });
  const received: Buffer[] = [];
  let wake: (() => void) | null = null;
  let reading = false;
  const readLoop = async () => {
    reading = true;
    const buffer = Buffer.alloc(64);
    try {
      while (port.isOpen) {
        const { bytesRead } = await port.read(buffer, 0, buffer.length);
        if (bytesRead === 0) break;
        received.push(Buffer.from(buffer.subarray(0, bytesRead)));
        wake?.();
      }
    } catch {
      // Closing the port cancels the read in flight; a device that went away ends it too.
    }
  };
  return {
    async write(bytes) {
      await port.write(Buffer.from(bytes));
      await port.drain();
    },
    read(count, ms) {
      if (!reading) void readLoop();
      return readBuffered(received, count, ms, (w) => (wake = w));
    },
    async close() {
      if (port.isOpen) await port.close();
    },
  };
}
