import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/host.ts';
import { silentLogger } from '../../main/backend/platform/logging.ts';
import { closeTerminalDb, openTerminalDb } from '../../main/backend/store/connection.ts';
import { keyFileSource } from '../../main/backend/sync/credentials.ts';
import { pairTerminal } from '../../main/backend/sync/pair.ts';
import { DEMO_LOCALE, DEMO_STORE } from '../../main/demo/demo-data.ts';
import { seedDemoServer } from '../../main/demo/seed-server.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { launchChromium } from './chromium.ts';
import { sendBurst } from './scanner-burst.ts';
import { BACKEND_ENTRY, buildRenderer } from './renderer-build.ts';
import { tempDir } from './terminal.ts';

/**
 * The whole product for end-to-end tests: the real central server (PGlite)
 * seeded with the demo store, a terminal paired to it, its backend in its own
 * process behind the browser host, and the renderer as it ships.
 */
export interface Stack {
  dir: string;
  db: Db;
  server: RunningServer;
  host: BrowserHost;
  backendLog: string[];
  /** Stops the central server (the terminal goes offline); `startServer()` brings it back on the same port. */
  stopServer(): Promise<void>;
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(options: { members?: number; backendEnv?: Record<string, string> } = {}): Promise<Stack> {
  const dir = tempDir('stack-');
  const rendererDir = await buildRenderer();
  const db = await openDatabase({ dataDir: 'memory://' });
  await seedDemoServer(db, Date.now(), options.members ?? 50);
  let server = await startServer({ db, port: 0, host: '127.0.0.1', log: false, maintenanceIntervalMs: 0 });
  const port = Number(new URL(server.url).port);
  const dbPath = join(dir.path, 'terminal.sqlite');
  const store = openTerminalDb(dbPath);
  try {
    const { code } = await createPairingCode(db, { storeId: DEMO_STORE.id }, Date.now());
    await pairTerminal(
      store,
      { serverUrl: server.url, code, terminalName: 'e2e' },
      { keySource: keyFileSource(`${dbPath}.key`), now: Date.now, log: silentLogger },
    );
  } finally {
    closeTerminalDb(store);
  }
  const backendLog: string[] = [];
  const host = await startBrowserHost({
    rendererDir,
    backendEntry: BACKEND_ENTRY,
    backendEnv: {
      LT_DB_PATH: dbPath,
      LT_STORE_ID: DEMO_STORE.id,
      LT_LOCALE: DEMO_LOCALE,
      LT_SYNC_PULL_INTERVAL_MS: '1000',
      ...options.backendEnv,
    },
    onLog: (line) => backendLog.push(line),
  });
  let serverUp = true;
  const stack: Stack = {
    dir: dir.path,
    db,
    get server() {
      return server;
    },
    host,
    backendLog,
    async stopServer() {
      if (!serverUp) return;
      serverUp = false;
      await server.close();
    },
    async restartServer() {
      if (serverUp) return;
      server = await startServer({ db, port, host: '127.0.0.1', log: false, maintenanceIntervalMs: 0 });
      serverUp = true;
    },
    async close() {
      await host.close();
      if (serverUp) await server.close();
      await db.close();
      rmSync(rendererDir, { recursive: true, force: true });
      dir.remove();
    },
  };
  return stack;
}

/** A fresh browser page on the terminal, signed in as this staff member. */
export async function signedInPage(
  stack: Stack,
  staffId: string,
  pin: string,
  browser?: Browser,
): Promise<{ browser: Browser; page: Page }> {
  const b = browser ?? (await launchChromium());
  const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(stack.host.url);
  // By the fields' names: the numeric pad beside the PIN field is labelled "PIN" too.
  await page.locator('input[name="staffId"]').fill(staffId);
  await page.locator('input[name="pin"]').fill(pin);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.topbar').waitFor();
  return { browser: b, page };
}

/** A fast USB scanner's burst: the code at 1 ms a key, then Enter (scanner-burst.ts). */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  await page.bringToFront();
  // Key events go to the focused page: the one a test just opened may not have focus yet.
  await page.evaluate('window.focus(), new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)))');
  const cdp = await page.context().newCDPSession(page);
  await sendBurst(cdp, [...code, 'Enter'], 1);
  await cdp.detach();
}

/**
 * One scan, as a cashier scans once, and `seen` must then hold: a scan the app drops fails the
 * test. To say which it was, the code is scanned a second time before failing: "seen after a
 * second scan" is a dropped scan (look at the wedge detector and the page's focus), "not seen
 * either" is a screen that never shows it. `seen` should wait generously (a loaded machine is
 * slow, but a dropped scan never shows up however long one waits). The keyboard-wedge detector's
 * timing itself is tested in wedge.test.ts.
 */
export async function scanAndSee(page: Page, code: string, seen: () => Promise<unknown>): Promise<void> {
  await wedgeScan(page, code);
  try {
    await seen();
    return;
  } catch (error) {
    const first = error instanceof Error ? error.message.split('\n')[0] : String(error);
    await wedgeScan(page, code);
    const second = await seen().then(
      () => 'a second scan was seen: the app dropped the first',
      (e: unknown) => `a second scan was not seen either (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    );
    throw new Error(`scan of ${code}: not seen after one scan (${first}); ${second}`, { cause: error });
  }
}
