/**
 * Where tests put throwaway databases: RAM (/dev/shm) when the machine has it.
 * This VM's disk stalls for seconds at a time under load, and a test database
 * need not survive a reboot; elsewhere the OS temp dir.
 */
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | null = null;

export function scratchRoot(): string {
  if (root === null) {
    try {
      accessSync('/dev/shm', constants.W_OK);
      root = '/dev/shm';
    } catch {
      root = tmpdir();
    }
  }
  return root;
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(scratchRoot(), prefix));
}
