import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A real pseudo-terminal pair made by socat: the adapter opens `scannerPath` as if it were
 * the scanner's serial port, the test writes to `hostPath` as if it were the scanner.
 * Killing socat removes both links, which is what an unplugged USB scanner looks like.
 */
export interface PtyPair {
  scannerPath: string;
  hostPath: string;
  /** Writes bytes as the scanner would send them (opens the host end on first use). */
  write(bytes: Uint8Array | string): void;
  /** Unplug: stops socat and waits until both links are gone. */
  stop(): Promise<void>;
}

const SOCAT_MISSING =
  'socat is required for the serial scanner tests (real pseudo-terminals): install the Debian package `socat` (apt-get install -y socat)';

/** Throws (never skips) when socat is missing, naming the Debian package to install. */
export function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) throw new Error(SOCAT_MISSING);
}

export async function startPtyPair(dir: string, names: { scanner?: string; host?: string } = {}, timeoutMs = 5_000): Promise<PtyPair> {
  requireSocat();
  const scannerPath = join(dir, names.scanner ?? 'scanner');
  const hostPath = join(dir, names.host ?? 'host');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${scannerPath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  // socat logs this once both PTYs and both links exist.
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`socat did not create ${scannerPath} and ${hostPath} within ${timeoutMs} ms:\n${stderr}`)),
      timeoutMs,
    );
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (stderr.includes('starting data transfer loop') && existsSync(scannerPath) && existsSync(hostPath)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${SOCAT_MISSING} (${error.message})`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code ?? signal}) before the PTYs were ready:\n${stderr}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  let hostFd: number | undefined;
  return {
    scannerPath,
    hostPath,
    write(bytes) {
      // O_NOCTTY: the test process must not adopt the PTY as its controlling terminal.
      hostFd ??= openSync(hostPath, constants.O_RDWR | constants.O_NOCTTY);
      const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
      let written = 0;
      while (written < buffer.length) written += writeSync(hostFd, buffer, written);
    },
    async stop() {
      if (hostFd !== undefined) closeSync(hostFd);
      hostFd = undefined;
      await stopChild(child);
      // Only left behind if socat had to be SIGKILLed.
      rmSync(scannerPath, { force: true });
      rmSync(hostPath, { force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGTERM lets socat remove its links, as the device node vanishes on a real unplug.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}
