import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Log files rotated by size: `<name>.log`, then `.1` … `.<keep-1>` (newest
 * first), so a terminal never fills its disk (5 × 5 MB by default). Writes are
 * synchronous appends: a line written before a crash is on disk. Lines come
 * from jsonLogger, which already redacts personal fields.
 */
export interface RotatingLogOptions {
  dir: string;
  /** 'backend' → backend.log, backend.log.1, … */
  name: string;
  maxBytes?: number;
  /** Files kept, the current one included. */
  keep?: number;
}

export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 5;

export interface RotatingLog {
  write(line: string): void;
  close(): void;
}

export function rotatingLog(options: RotatingLogOptions): RotatingLog {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
  const keep = Math.max(1, options.keep ?? DEFAULT_LOG_KEEP);
  const path = join(options.dir, `${options.name}.log`);
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  let fd = openSync(path, 'a', 0o600);
  let size = fstatSync(fd).size;

  const rotate = () => {
    closeSync(fd);
    rmSync(`${path}.${keep - 1}`, { force: true });
    for (let i = keep - 2; i >= 1; i--) renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
    if (keep > 1) renameIfExists(path, `${path}.1`);
    else rmSync(path, { force: true });
    fd = openSync(path, 'a', 0o600);
    size = 0;
  };

  return {
    write(line) {
      const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
      if (size > 0 && size + bytes.length > maxBytes) rotate();
      writeSync(fd, bytes);
      size += bytes.length;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** The log files of one name, newest first, that exist. */
export function logFileNames(name: string, keep = DEFAULT_LOG_KEEP): string[] {
  return [`${name}.log`, ...Array.from({ length: keep - 1 }, (_, i) => `${name}.log.${i + 1}`)];
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
