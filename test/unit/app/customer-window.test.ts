/**
 * The customer display under Electron: a second window on the screen that is
 * not the cashier's, with the same locked-down web preferences as the till's
 * window, never taking the focus from it. The Electron binary cannot run here:
 * the shell runs against the fake of test/unit/app/fake-electron.ts.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { customerScreen, customerWindowOptions } from '../../../main/app/customer-window.ts';
import { builtInDefaults, resolveConfig } from '../../../main/platform-config/config-resolve.ts';
import { parseFlags } from '../../../main/platform-config/config-sources.ts';
import { tempDir } from '../../helpers/terminal.ts';

vi.mock('electron', () => import('./fake-electron.ts'));
const fake = await import('./fake-electron.ts');
const { startShell } = await import('../../../main/app/shell.ts');

let dir: { path: string; remove(): void };
beforeEach(() => {
  fake.reset();
  dir = tempDir('customer-window-');
});
afterEach(() => {
  fake.screen.displays.splice(1);
  dir.remove();
});

const paths = () => ({ preload: '/app/preload.cjs', backend: '/app/process-main.cjs', renderer: dir.path });
function config(args: string[]) {
  const os = { platform: 'linux' as const, env: {}, home: dir.path };
  return resolveConfig({
    defaults: builtInDefaults(os),
    file: { path: '/none', status: 'missing' },
    env: {},
    flags: parseFlags(['--store-id', 'store-1', '--data-dir', `${dir.path}/data`, '--log-dir', `${dir.path}/logs`, ...args]),
  });
}

describe('which screen', () => {
  test('the first screen that is not the primary one; none with a single screen', () => {
    const a = { id: 7, bounds: { x: 0, y: 0, width: 1280, height: 800 } };
    const b = { id: 9, bounds: { x: 1280, y: 0, width: 800, height: 480 } };
    expect(customerScreen([a, b], 7)).toBe(b);
    expect(customerScreen([b, a], 7)).toBe(b);
    expect(customerScreen([a], 7)).toBeNull();
  });

  test('full screen on that screen, frameless, never focused, sandboxed like the till', () => {
    const options = customerWindowOptions({ preload: '/p.cjs', bounds: { x: 1280, y: 0, width: 800, height: 480 } });
    expect(options).toMatchObject({
      show: false,
      x: 1280,
      y: 0,
      width: 800,
      height: 480,
      fullscreen: true,
      frame: false,
      focusable: false,
    });
    expect(options.webPreferences).toMatchObject({ preload: '/p.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false });
  });
});

describe('the shell', () => {
  test("display.customerScreen 'auto' with a second screen opens the customer display there, shown without focus", async () => {
    fake.screen.displays.push({ id: 2, bounds: { x: 1280, y: 0, width: 1024, height: 600 } });
    await startShell(config(['--customer-screen', 'auto']), paths());
    expect(fake.BrowserWindow.instances).toHaveLength(2);
    const customer = fake.BrowserWindow.instances[1]!;
    expect(customer.url).toBe('app://terminal/customer-display/index.html');
    expect(customer.options).toMatchObject({ x: 1280, width: 1024, focusable: false });
    customer.emit('ready-to-show');
    expect(customer.visible).toBe(true);
    expect(fake.calls.map((c) => c.name)).not.toContain('window.focus');
  });

  test("'auto' with one screen, or 'off' (the default), opens only the till's window", async () => {
    await startShell(config(['--customer-screen', 'auto']), paths());
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    fake.reset();
    fake.screen.displays.push({ id: 2, bounds: { x: 1280, y: 0, width: 1024, height: 600 } });
    await startShell(config([]), paths());
    expect(fake.BrowserWindow.instances).toHaveLength(1);
  });
});
