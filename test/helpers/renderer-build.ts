import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The real renderer, built with the project's vite config into a fresh folder (a test never serves a stale build). */
export async function buildRenderer(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'renderer-'));
  // vitest sets NODE_ENV=test, which would make vite bundle React's development build: test what ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(ROOT, 'vite.config.ts'), mode: 'production', build: { outDir, emptyOutDir: true }, logLevel: 'error' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

export const BACKEND_ENTRY = join(ROOT, 'main/backend/process-main.ts');
