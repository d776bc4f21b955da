import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { BRIDGE_CONNECT_CHANNEL, BRIDGE_PORT_CHANNEL } from '../../../shared/bridge.ts';
import { builtInDefaults, resolveConfig } from '../../../main/platform-config/config-resolve.ts';
import { parseFlags } from '../../../main/platform-config/config-sources.ts';
import { tempDir } from '../../helpers/terminal.ts';
import * as fake from './fake-electron.ts';

vi.mock('electron', async () => await import('./fake-electron.ts'));

const { prepareShell, startShell } = await import('../../../main/app/shell.ts');

/**
 * The shell with 'electron' replaced by a recorder: what it asks Electron
 * for (window, protocol, handlers), and how it reacts to the events Electron
 * would send (navigation, IPC, a second instance, the backend dying, quit).
 */
const dir = tempDir('shell-');
afterAll(() => dir.remove());

function config(extra: string[] = []) {
  const os = { platform: 'linux' as const, env: {}, home: dir.path };
  return resolveConfig({
    defaults: builtInDefaults(os),
    file: { path: '/none', status: 'missing' },
    env: {},
    flags: parseFlags(['--store-id', 'store-1', '--data-dir', join(dir.path, 'data'), '--log-dir', join(dir.path, 'logs'), ...extra]),
  });
}

const paths = {
  preload: '/app/out/main/app/preload.cjs',
  backend: '/app/out/main/backend/process-main.cjs',
  renderer: join(dir.path, 'site'),
};
mkdirSync(paths.renderer, { recursive: true });
writeFileSync(join(paths.renderer, 'index.html'), '<!doctype html>');

function fakeContents(id = 1) {
  const contents = Object.assign(new fake.BrowserWindow({}), {
    id,
    posted: [] as { channel: string; message: unknown; transfer: unknown[] }[],
    openHandler: null as null | ((d: { url: string }) => { action: string }),
    isDestroyed: () => false,
    postMessage(channel: string, message: unknown, transfer: unknown[]) {
      this.posted.push({ channel, message, transfer });
    },
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
      this.openHandler = h;
    },
  });
  return contents;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => fake.reset());

describe('before ready', () => {
  test('registers app:// as a privileged standard, secure scheme and enables the sandbox everywhere', () => {
    expect(prepareShell()).toBe(true);
    expect(fake.calls).toContainEqual({
      name: 'protocol.registerSchemesAsPrivileged',
      args: [[{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) }]],
    });
    expect(fake.calls.map((c) => c.name)).toContain('app.enableSandbox');
  });

  test('a second instance quits at once', () => {
    fake.state.singleInstance = false;
    expect(prepareShell()).toBe(false);
    expect(fake.calls.map((c) => c.name)).toContain('app.quit');
  });
});

describe('the running shell', () => {
  test('window, protocol, handlers, IPC, restart and quit', async () => {
    const shell = await startShell(config(['--kiosk']), paths);
    // The window: locked-down web preferences, kiosk as configured, shown on ready-to-show only.
    const window = fake.BrowserWindow.instances[0]!;
    expect(window.options).toMatchObject({ show: false, kiosk: true, fullscreen: true });
    expect(window.options.webPreferences).toEqual({
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    });
    expect(window.url).toBe('app://terminal/index.html');
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);

    // The protocol handler is installed and answers with the CSP.
    const handler = fake.protocol.handlers.get('app')!;
    const index = await handler({ url: 'app://terminal/index.html', method: 'GET' });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await handler({ url: 'app://terminal/../../etc/passwd', method: 'GET' })).status).toBe(404);

    // Every web contents gets the navigation guards.
    const contents = fakeContents();
    fake.app.emit('web-contents-created', {}, contents);
    for (const event of ['will-navigate', 'will-redirect']) {
      const e = { preventDefault: vi.fn() };
      contents.emit(event, e, 'https://evil.example/');
      expect(e.preventDefault).toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(contents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });

    // Permissions: the camera (video only) from app://terminal; nothing else, from nowhere else.
    const ask = (permission: string, details: object) => {
      let answer: boolean | undefined;
      fake.session.defaultSession.permissionRequest!(contents, permission, (ok: boolean) => (answer = ok), details);
      return answer;
    };
    expect(ask('media', { requestingUrl: 'app://terminal/index.html', mediaTypes: ['video'] })).toBe(true);
    expect(ask('media', { requestingUrl: 'app://terminal/index.html', mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(ask('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false);
    expect(ask('geolocation', { requestingUrl: 'app://terminal/index.html' })).toBe(false);
    expect(ask('notifications', { requestingUrl: 'app://terminal/index.html' })).toBe(false);
    expect(
      fake.session.defaultSession.permissionCheck!(contents, 'media', 'app://terminal', {
        mediaType: 'video',
        securityOrigin: 'app://terminal',
      }),
    ).toBe(true);
    expect(fake.session.defaultSession.permissionCheck!(contents, 'media', 'https://evil.example', { mediaType: 'video' })).toBe(false);
    expect(fake.session.defaultSession.permissionCheck!(contents, 'notifications', 'app://terminal', {})).toBe(false);
    expect(fake.session.defaultSession.deviceCheck!({})).toBe(false);

    // The backend: a utility process with the resolved settings (and no stray LT_ variable).
    const child = fake.FakeUtilityProcess.instances[0]!;
    expect(child.modulePath).toBe(paths.backend);
    expect(child.options.env).toMatchObject({
      LT_STORE_ID: 'store-1',
      LT_DB_PATH: join(dir.path, 'data', 'terminal.sqlite'),
      LT_DEVICE_KEY: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });

    // IPC: a foreign frame is refused; the app's top frame gets a port once the backend is ready.
    const renderer = fakeContents(7);
    fake.ipcMain.emit(BRIDGE_CONNECT_CHANNEL, { sender: renderer, senderFrame: { url: 'https://evil.example/', parent: null } });
    fake.ipcMain.emit(BRIDGE_CONNECT_CHANNEL, { sender: renderer, senderFrame: { url: 'app://terminal/index.html', parent: {} } });
    fake.ipcMain.emit(BRIDGE_CONNECT_CHANNEL, { sender: renderer, senderFrame: null });
    child.emit('message', { kind: 'ready', pid: 1 });
    expect(renderer.posted).toEqual([]);
    expect(child.posted).toEqual([]);
    fake.ipcMain.emit(BRIDGE_CONNECT_CHANNEL, { sender: renderer, senderFrame: { url: 'app://terminal/index.html', parent: null } });
    expect(renderer.posted).toEqual([
      { channel: BRIDGE_PORT_CHANNEL, message: { restarted: false }, transfer: [expect.objectContaining({ side: 'renderer' })] },
    ]);
    expect(child.posted).toEqual([
      {
        message: { kind: 'connect', conn: 1 },
        transfer: [expect.objectContaining({ side: 'backend', channel: (renderer.posted[0]!.transfer[0] as { channel: number }).channel })],
      },
    ]);

    // A second instance brings the window forward.
    fake.app.emit('second-instance');
    expect(fake.calls.map((c) => c.name)).toContain('window.focus');

    // The backend dies: it is started again and the window gets a new port marked restarted.
    child.emit('exit', 1);
    await wait(400);
    const second = fake.FakeUtilityProcess.instances[1]!;
    expect(second).toBeDefined();
    second.emit('message', { kind: 'ready', pid: 2 });
    expect(renderer.posted[1]).toEqual({ channel: BRIDGE_PORT_CHANNEL, message: { restarted: true }, transfer: [expect.anything()] });
    expect(second.posted[0]!.message).toEqual({ kind: 'connect', conn: 1 });
    expect(shell.backend.restarts).toBe(1);

    // Quit: held until the backend says it stopped (in-flight writes drained), then quits for real.
    const quit = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    expect(second.posted.at(-1)!.message).toEqual({ kind: 'shutdown' });
    expect(fake.calls.filter((c) => c.name === 'app.quit')).toHaveLength(0);
    second.emit('message', { kind: 'stopped' });
    await wait(10);
    expect(fake.calls.filter((c) => c.name === 'app.quit')).toHaveLength(1);
    expect(second.killed).toBe(false);
    // The quit that follows is not held again.
    const again = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  test('an invalid configuration starts the backend in the needs-configuration state, without a device key', async () => {
    await startShell(config(['--log-level', 'loud']), paths);
    const env = fake.FakeUtilityProcess.instances[0]!.options.env as Record<string, string>;
    expect(JSON.parse(env.LT_NEEDS_CONFIG!)).toContainEqual({ source: 'command line', field: '--log-level', message: expect.any(String) });
    expect(env.LT_DEVICE_KEY).toBeUndefined();
  });
});
