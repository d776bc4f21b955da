import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindow, MessagePortMain } from 'electron';
import { rotatingLog } from '../backend/platform/log-files.ts';
import { jsonLogger, type Logger } from '../backend/platform/logging.ts';
import { backendEnv, terminalDbPath, withoutTerminalVariables } from '../platform-config/backend-env.ts';
import { formatProblem, type ResolvedConfig } from '../platform-config/config-resolve.ts';
import { APP_CSP, installAppProtocol, registerAppScheme } from './app-protocol.ts';
import { safeStorageKeySource } from './device-key.ts';
import {
  app,
  BrowserWindow as Window,
  ipcMain,
  MessageChannelMain,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  utilityProcess,
} from './electron.ts';
import { openCustomerWindow } from './customer-window.ts';
import { createMainWindow } from './main-window.ts';
import { installRendererLink } from './renderer-link.ts';
import { guardWebContents, installCspHeaders, installPermissionHandlers } from './security.ts';
import { startUtilityBackend, type UtilityBackend } from './utility-backend.ts';
import { startUpdates, type UpdaterLike } from './updates.ts';

/**
 * The Electron shell: hosts, never computes. One instance; the renderer from
 * app://; the backend in a utilityProcess; quit waits for the backend to
 * finish what it is writing. Layout of the packaged app (build/bundle-app.ts):
 * out/main/app/{main,preload}.cjs, out/main/backend/process-main.cjs, dist/renderer/.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
export const SHELL_PATHS = {
  preload: join(HERE, 'preload.cjs'),
  backend: join(HERE, '..', 'backend', 'process-main.cjs'),
  renderer: join(HERE, '..', '..', '..', 'dist', 'renderer'),
};

const QUIT_GRACE_MS = 5_000;

export interface Shell {
  window(): BrowserWindow | null;
  backend: UtilityBackend<MessagePortMain>;
  log: Logger;
}

/** Before `ready`: the scheme must be privileged, and a second instance must leave at once. Returns false in a second instance. */
export function prepareShell(): boolean {
  registerAppScheme(protocol);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  return true;
}

export async function startShell(resolved: ResolvedConfig, paths = SHELL_PATHS): Promise<Shell> {
  const { config } = resolved;
  app.setAppLogsPath(config.logDir);
  const logFile = rotatingLog({ dir: config.logDir, name: 'shell' });
  const log = jsonLogger((line) => logFile.write(line), config.logLevel);
  for (const p of resolved.problems) log.log('error', 'config.problem', { problem: formatProblem(p) });

  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, (what, url) => log.log('warn', 'blocked', { what, url: url.slice(0, 200) })),
  );
  let window: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  await app.whenReady();
  installPermissionHandlers(session.defaultSession);
  installCspHeaders(session.defaultSession, APP_CSP);
  installAppProtocol(protocol, paths.renderer);

  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const dbPath = terminalDbPath(config);
  const env: Record<string, string> = {
    ...withoutTerminalVariables(process.env),
    ...backendEnv(config, { appVersion: app.getVersion(), problems: resolved.problems }),
  };
  if (process.env.LT_DEMO === '1') env.LT_DEMO = '1'; // npm start's demo data (main/demo/start.ts)
  if (!resolved.needsConfiguration) env.LT_DEVICE_KEY = safeStorageKeySource(safeStorage, dbPath)().toString('base64');
  const backend = startUtilityBackend<MessagePortMain>({
    fork: () =>
      utilityProcess.fork(paths.backend, [], { env, serviceName: 'Loyalty Terminal backend', stdio: ['ignore', 'ignore', 'pipe'] }),
    newChannel: () => new MessageChannelMain(),
    log,
  });
  installRendererLink(ipcMain, backend, log);
  window = createMainWindow(Window, { preload: paths.preload, kiosk: config.display.kiosk, fullscreen: config.display.fullscreen });
  window.on('closed', () => {
    window = null;
  });
  if (config.display.customerScreen === 'auto') {
    const customer = openCustomerWindow(Window, { all: screen.getAllDisplays(), primaryId: screen.getPrimaryDisplay().id }, paths.preload);
    log.log('info', 'shell.customer_display', { opened: customer !== null });
  }

  let updates: { stop(): void } | null = null;
  if (config.updates.enabled && !resolved.needsConfiguration) {
    // Loaded only when on: electron-updater reads the app's files at import.
    const { default: updater } = await import('electron-updater');
    updates = startUpdates({
      updater: updater.autoUpdater as unknown as UpdaterLike,
      config: config.updates,
      idleSeconds: () => powerMonitor.getSystemIdleTime(),
      now: () => new Date(),
      log,
      configFile: join(config.dataDir, 'app-update.yml'),
      platform: process.platform,
    });
  }

  // Graceful quit: hold the quit until the backend has closed its database (or the grace time ran out).
  let drained = false;
  app.on('before-quit', (event) => {
    if (drained) return;
    event.preventDefault();
    updates?.stop();
    void backend.stop(QUIT_GRACE_MS).finally(() => {
      drained = true;
      log.log('info', 'shell.quit', {});
      logFile.close();
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
  log.log('info', 'shell.started', { version: app.getVersion(), needsConfiguration: resolved.needsConfiguration });
  return { window: () => window, backend, log };
}
