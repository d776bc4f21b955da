import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isAppUrl } from '../../../main/app/app-origin.ts';
import { APP_CSP, appResponse } from '../../../main/app/app-protocol.ts';
import { allowPermissionCheck, allowPermissionRequest, isTrustedSender } from '../../../main/app/security.ts';
import { tempDir } from '../../helpers/terminal.ts';

const dir = tempDir('app-protocol-');
const root = join(dir.path, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(root, 'assets', 'app.js'), 'export {}');
writeFileSync(join(root, '.env'), 'SECRET=1');
writeFileSync(join(dir.path, 'secret.txt'), 'outside');
afterAll(() => dir.remove());

const get = (url: string, method = 'GET') => appResponse(root, { url, method });

describe('app:// protocol handler', () => {
  test('serves the renderer with its type and the CSP', async () => {
    const index = await get('app://terminal/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>t</title>');
    expect((await get('app://terminal/')).status).toBe(200);
    const js = await get('app://terminal/assets/app.js?v=1');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  test.each([
    ['traversal', 'app://terminal/../secret.txt'],
    ['deep traversal', 'app://terminal/assets/../../secret.txt'],
    ['encoded traversal', 'app://terminal/%2e%2e/secret.txt'],
    ['encoded slash traversal', 'app://terminal/assets%2f..%2f..%2fsecret.txt'],
    ['backslash traversal', 'app://terminal/..%5csecret.txt'],
    ['NUL byte', 'app://terminal/index.html%00.js'],
    ['dotfile', 'app://terminal/.env'],
    ['absolute path outside the root', `app://terminal/${encodeURIComponent(join(dir.path, 'secret.txt'))}`],
    ['a directory', 'app://terminal/assets'],
    ['missing file', 'app://terminal/nope.js'],
    ['another host', 'app://evil/index.html'],
    ['bad escape', 'app://terminal/%E0%A4%A'],
  ])('%s → 404 with the CSP', async (_name, url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(await response.text()).not.toContain('outside');
  });

  test('only GET and HEAD', async () => {
    expect((await get('app://terminal/index.html', 'POST')).status).toBe(405);
    const head = await get('app://terminal/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  test('the CSP allows only the app itself (and the decoder WebAssembly)', () => {
    expect(APP_CSP).toContain("default-src 'self'");
    expect(APP_CSP).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(APP_CSP).toContain("connect-src 'self'");
    expect(APP_CSP).toContain("object-src 'none'");
    expect(APP_CSP).toContain("frame-ancestors 'none'");
    expect(APP_CSP).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|http:|ws:/);
  });
});

describe('origins, permissions and IPC senders', () => {
  test('only app://terminal is the app', () => {
    expect(isAppUrl('app://terminal/index.html')).toBe(true);
    for (const url of [
      'app://terminal.evil/index.html',
      'app://evil/',
      'https://terminal/',
      'file:///index.html',
      'app://user@terminal/',
      'app://terminal:8080/',
      'garbage',
      undefined,
      null,
    ])
      expect(isAppUrl(url)).toBe(false);
  });

  test('the camera (video) from the app only', () => {
    expect(allowPermissionRequest('media', { requestingUrl: 'app://terminal/index.html', mediaTypes: ['video'] })).toBe(true);
    expect(allowPermissionRequest('media', { requestingUrl: 'app://terminal/index.html', mediaTypes: ['audio'] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: 'app://terminal/index.html', mediaTypes: [] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: 'http://127.0.0.1:8780/', mediaTypes: ['video'] })).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'midi', 'fullscreen', 'display-capture'])
      expect(allowPermissionRequest(p, { requestingUrl: 'app://terminal/index.html' })).toBe(false);
    expect(allowPermissionCheck('media', 'app://terminal', { mediaType: 'video' })).toBe(true);
    expect(allowPermissionCheck('media', 'app://terminal', { mediaType: 'audio' })).toBe(false);
    expect(allowPermissionCheck('media', 'app://terminal', { mediaType: 'video', securityOrigin: 'https://evil.example' })).toBe(false);
    expect(allowPermissionCheck('geolocation', 'app://terminal', {})).toBe(false);
  });

  test('IPC only from the top frame of the app', () => {
    expect(isTrustedSender({ url: 'app://terminal/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://terminal/index.html', parent: { url: 'app://terminal/' } })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});
