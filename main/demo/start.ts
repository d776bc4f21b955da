/**
 * `npm start`: the terminal with demo data against an embedded central
 * server, on this machine, with nothing else installed. Builds the renderer,
 * starts the server (PGlite in .data/demo/server) seeded with the demo store,
 * pairs the terminal to it once, then opens the UI: the Electron window where
 * the Electron binary is installed (the shell in main/app, bundled as it
 * ships), else the browser host (and Chromium in app
 * mode when there is a display). It says which it did.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { openDatabase } from '../../server/store/open.ts';
import { startServer } from '../../server/server.ts';
import { databaseIdentity } from '../../server/admin-channel/channel-file.ts';
import { openAdminChannel } from '../../server/admin-channel/channel-server.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startBrowserHost } from '../browser-host/host.ts';
import { silentLogger } from '../backend/platform/logging.ts';
import { closeTerminalDb, openTerminalDb } from '../backend/store/connection.ts';
import { sealedCredentials } from '../backend/store/sync-state.ts';
import { keyFileSource } from '../backend/sync/credentials.ts';
import { pairTerminal } from '../backend/sync/pair.ts';
import { bundleApp } from '../../build/bundle-app.ts';
import { DEMO_LOCALE, DEMO_STAFF, DEMO_STORE } from './demo-data.ts';
import { seedDemoServer } from './seed-server.ts';
import { followServerAddress } from './server-address.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATA = process.env.LT_DEMO_DIR ?? join(ROOT, '.data/demo');
const SERVER_PORT = Number(process.env.LT_DEMO_SERVER_PORT ?? 8787);
const HOST_PORT = Number(process.env.LT_DEMO_PORT ?? 8780);
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(DATA, { recursive: true });
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  say('Building the terminal UI…');
  const rendererDir = join(ROOT, 'dist/renderer');
  await build({ configFile: join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });

  say('Starting the central server (embedded PostgreSQL: PGlite)…');
  const serverDir = join(DATA, 'server');
  // The token-signing keys are sealed under a master key kept beside (not inside) the server's folder.
  const db = await openDatabase({
    dataDir: serverDir,
    onMasterKey: ({ path, created }) => say(created ? `  made the server's master key file ${path} (0600)` : `  master key file: ${path}`),
  });
  if (await seedDemoServer(db, Date.now())) say('  seeded the demo store, programme, products, staff and members');
  const server = await startServer({ db, port: SERVER_PORT, host: '127.0.0.1', log: false });
  // The demo holds the server's data folder: admin commands (`npm run server -- <command> --data .data/demo/server`) go through it.
  const channel = await openAdminChannel({
    db,
    dataDir: serverDir,
    database: databaseIdentity({ dataDir: serverDir }),
    log: server.app.log,
  });

  const dbPath = join(DATA, 'terminal.sqlite');
  const store = openTerminalDb(dbPath);
  try {
    const keySource = keyFileSource(`${dbPath}.key`);
    if (sealedCredentials(store.db) === undefined) {
      const { code } = await createPairingCode(db, { storeId: DEMO_STORE.id }, Date.now());
      await pairTerminal(
        store,
        { serverUrl: server.url, code, terminalName: 'demo terminal' },
        { keySource, now: Date.now, log: silentLogger },
      );
      say('  paired the terminal with the server');
    } else if (followServerAddress(store, keySource, server.url)) {
      say(`  the central server moved to ${server.url}: the terminal's pairing now points there`);
    }
  } finally {
    closeTerminalDb(store);
  }

  const electron = electronBinary();
  if (electron) {
    await runElectron(electron, { dbDir: DATA, version, started, serverUrl: server.url });
    await channel.close();
    await server.close();
    await db.close();
    return;
  }

  const host = await startBrowserHost({
    rendererDir,
    port: HOST_PORT,
    backendEntry: join(ROOT, 'main/backend/process-main.ts'),
    backendEnv: { LT_DB_PATH: dbPath, LT_STORE_ID: DEMO_STORE.id, LT_DEMO: '1', LT_LOCALE: DEMO_LOCALE, LT_APP_VERSION: version },
    onLog: (line) => {
      if (process.env.LT_DEMO_VERBOSE) process.stderr.write(line + '\n');
    },
  });

  say('');
  say('No Electron runtime on this machine: serving the same UI to a browser instead.');
  say(`  Open: ${host.url}`);
  say(`  Customer display (a second screen): ${host.customerUrl}`);
  say(`  Central server: ${server.url}`);
  say(`  Demo staff (ID / PIN): ${DEMO_STAFF.map((s) => `${s.id} / ${s.pin} (${s.role})`).join(', ')}`);
  say(`  Demo cards: 2900000000000015 … (3000 members); product barcodes in main/demo/demo-data.ts`);
  say(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl+C stops.`);
  openChromium(host.url);

  const stop = async () => {
    await host.close();
    await channel.close();
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/**
 * The Electron binary, when it is on disk. Its package is only asked where the
 * binary should be (path.txt): requiring the package itself would try to
 * download the binary, and this machine may have no internet.
 */
function electronBinary(): string | null {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const binary = join(dir, 'dist', relative);
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** The desktop shell on the demo database: the app bundled as it ships, configured by flags. */
async function runElectron(binary: string, options: { dbDir: string; version: string; started: number; serverUrl: string }): Promise<void> {
  await bundleApp();
  const args = [
    join(ROOT, 'out/main/app/main.cjs'),
    '--config',
    join(options.dbDir, 'no-machine-config.json'),
    '--store-id',
    DEMO_STORE.id,
    '--data-dir',
    options.dbDir,
    '--log-dir',
    join(options.dbDir, 'logs'),
    '--locale',
    DEMO_LOCALE,
    '--no-updates',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
  say('');
  say(`Opening the Electron window (${binary}); logs in ${join(options.dbDir, 'logs')}.`);
  say(`  Central server: ${options.serverUrl}`);
  say(`  Demo staff (ID / PIN): ${DEMO_STAFF.map((s) => `${s.id} / ${s.pin} (${s.role})`).join(', ')}`);
  say(`Ready in ${((Date.now() - options.started) / 1000).toFixed(1)} s. Close the window to stop.`);
  const child = spawn(binary, args, { stdio: 'inherit', env: { ...process.env, LT_DEMO: '1' } });
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

function openChromium(url: string): void {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  if (!chromium || process.env.LT_DEMO_NO_BROWSER || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) return;
  const args = [
    `--app=${url}`,
    `--user-data-dir=${join(DATA, 'chromium')}`,
    '--no-first-run',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
  spawn(chromium, args, { detached: true, stdio: 'ignore' }).unref();
  say(`  Opened Chromium in app mode (${chromium}).`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
