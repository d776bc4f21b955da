/**
 * The Electron side as it ships (build/bundle-app.ts): the preload is one
 * CommonJS file that needs nothing but 'electron'; the bundled backend starts
 * (finding its migrations from the bundle's place), answers calls, writes its
 * rotated log, and in the needs-configuration state answers NOT_CONFIGURED
 * with the problems instead of opening anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bundleApp } from '../../build/bundle-app.ts';
import { startBackendProcess } from '../../main/browser-host/backend-process.ts';
import type { Response } from '../../shared/api.ts';
import { tempDir } from '../helpers/terminal.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'out/main/backend/process-main.cjs');
const dir = tempDir('bundle-');

beforeAll(async () => {
  await bundleApp();
}, 60_000);
afterAll(() => dir.remove());

async function ask(env: Record<string, string>): Promise<Response> {
  const replies: Response[] = [];
  const backend = startBackendProcess({ entry: ENTRY, env, onReply: (_c, r) => replies.push(r), onEvent: () => {}, onLog: () => {} });
  await backend.ready();
  backend.call(1, { id: 7, method: 'staff.login', input: { staffId: 'nobody', pin: '0000' }, token: null });
  while (replies.length === 0) await new Promise((r) => setTimeout(r, 20));
  await backend.stop();
  return replies[0]!;
}

test('the preload needs nothing but electron', () => {
  const preload = readFileSync(join(ROOT, 'out/main/app/preload.cjs'), 'utf8');
  expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
  expect(preload).toContain('exposeInMainWorld');
});

test('the bundled backend opens its database, migrates it and answers', async () => {
  const logDir = join(dir.path, 'logs');
  const reply = await ask({ LT_DB_PATH: join(dir.path, 'terminal.sqlite'), LT_STORE_ID: 'store-1', LT_LOG_DIR: logDir });
  expect(reply).toMatchObject({ id: 7, ok: false, error: { code: expect.stringMatching(/UNAUTHENTICATED|NOT_FOUND|VALIDATION/) } });
  expect(existsSync(join(logDir, 'backend.log'))).toBe(true);
  expect(readFileSync(join(logDir, 'backend.log'), 'utf8')).toContain('backend.ready');
}, 30_000);

test('an unconfigured terminal answers NOT_CONFIGURED with the problems, and opens no database', async () => {
  const problems = [
    { source: '/etc/loyalty-terminal/config.json', field: 'display.kiosk', message: 'Invalid input: expected boolean, received string' },
  ];
  const dbPath = join(dir.path, 'never.sqlite');
  const reply = await ask({ LT_DB_PATH: dbPath, LT_STORE_ID: 'unconfigured', LT_NEEDS_CONFIG: JSON.stringify(problems) });
  expect(reply).toEqual({
    id: 7,
    ok: false,
    error: {
      code: 'NOT_CONFIGURED',
      message: expect.stringContaining('/etc/loyalty-terminal/config.json: display.kiosk:'),
      details: { problems },
    },
  });
  expect(existsSync(dbPath)).toBe(false);
}, 30_000);
