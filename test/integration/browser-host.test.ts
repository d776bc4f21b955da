import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/host.ts';
import { resolveStaticPath } from '../../main/browser-host/static-files.ts';
import { closeTerminalDb } from '../../main/backend/store/connection.ts';
import type { BackendEvent, Response } from '../../shared/api.ts';
import { BACKEND_ENTRY } from '../helpers/renderer-build.ts';
import { createTestTerminal, STAFF, tempDir } from '../helpers/terminal.ts';

/**
 * The browser host with the real backend in its own Node process: what it
 * serves, who it lets in, and what happens when the backend dies.
 */
let dir: { path: string; remove(): void };
let host: BrowserHost;

beforeAll(async () => {
  dir = tempDir('host-');
  const site = join(dir.path, 'site');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(site, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(dir.path, 'secret.txt'), 'outside the site');
  const terminal = createTestTerminal({ dir: dir.path, now: Date.now() });
  closeTerminalDb(terminal.backend.store);
  host = await startBrowserHost({
    rendererDir: site,
    backendEntry: BACKEND_ENTRY,
    backendEnv: { LT_DB_PATH: terminal.dbPath, LT_STORE_ID: 'store-1' },
    onLog: () => {},
  });
}, 30_000);
afterAll(async () => {
  await host?.close();
  dir?.remove();
});

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

type Opened = { ws: WebSocket; next(): Promise<{ response?: Response; event?: BackendEvent }> };
function connect(options: { token?: string | null; origin?: string } = {}): Promise<Opened> {
  const protocols = ['loyalty-terminal.v1', ...(options.token === null ? [] : [`token.${options.token ?? host.token}`])];
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, protocols, { origin: options.origin ?? host.origin });
  const queue: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        next: () => new Promise((r) => (queue.length > 0 ? r(queue.shift() as never) : waiters.push(r as (m: unknown) => void))),
      }),
    );
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('static files', () => {
  test('serves the renderer with a strict Content-Security-Policy', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(index.headers['content-security-policy']).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
  });

  test('nothing outside the renderer folder, however the path is spelled', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/.%2e/secret.txt',
      '/..\\secret.txt',
      '/%00index.html',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside the site');
    }
    expect(resolveStaticPath('/srv/site', '/../../etc/passwd')).toBeNull();
    expect(resolveStaticPath('/srv/site', '/.env')).toBeNull();
    expect(resolveStaticPath('/srv/site', '/%E0%A4%A')).toBeNull();
    expect(resolveStaticPath('/srv/site', '/')).toBe('/srv/site/index.html');
  });

  test('refuses another Host name (DNS rebinding) and methods other than GET', async () => {
    expect((await get('/', { Host: 'evil.example:80' })).status).toBe(403);
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });
});

describe('the API socket', () => {
  test('refuses no token, a wrong token and a foreign origin', async () => {
    await expect(connect({ token: null })).rejects.toThrow('HTTP 401');
    await expect(connect({ token: 'x'.repeat(43) })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  test('carries commands to the backend process and back, and answers non-JSON with a typed error', async () => {
    const { ws, next } = await connect();
    ws.send(JSON.stringify({ id: 1, method: 'staff.login', input: { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin } }));
    const login = (await next()).response!;
    expect(login).toMatchObject({ id: 1, ok: true, result: { staff: { id: STAFF.cashier.id } } });
    ws.send('{not json');
    expect((await next()).response).toMatchObject({ id: -1, ok: false, error: { code: 'VALIDATION' } });
    ws.send(JSON.stringify({ id: 2, method: 'no.such.method', input: {} }));
    expect((await next()).response).toMatchObject({ id: 2, ok: false, error: { code: 'VALIDATION' } });
    ws.close();
  });

  test('a backend that dies is started again; screens hear it and later calls work', async () => {
    const { ws, next } = await connect();
    const pid = host.backend.pid!;
    process.kill(pid, 'SIGKILL');
    const message = await next();
    expect(message.event).toMatchObject({ name: 'backend.restarted' });
    expect(host.backend.pid).not.toBe(pid);
    ws.send(JSON.stringify({ id: 3, method: 'staff.login', input: { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin } }));
    expect((await next()).response).toMatchObject({ id: 3, ok: true });
    ws.close();
  }, 20_000);
});
