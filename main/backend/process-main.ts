/**
 * The backend process: the one entry point both hosts start (Electron's
 * utilityProcess, the browser host's Node child). It owns the database and
 * the serial scanner and answers the screens' calls through its host.
 */
import type { BackendEvent } from '../../shared/api.ts';
import { createBackend } from './backend.ts';
import { createDispatcher } from './dispatch.ts';
import { runMessageLoop, type BackendMessage, type HostChannel } from './message-loop.ts';
import { needsConfigurationDispatcher, parseProblems } from './needs-configuration.ts';
import { backendConfigFromEnv, syncSettingsFromConfig } from './platform/backend-config.ts';
import { scheduleBackups, type BackupSchedule } from './platform/backup.ts';
import { keysOf } from './platform/sealed-keys.ts';
import { rotatingLog } from './platform/log-files.ts';
import { jsonLogger, type LogLevel } from './platform/logging.ts';
import { portChannel, type ParentPortLike } from './port-channel.ts';
import { printingFromConfig } from './receipts/printer-config.ts';
import { startSerialScanner, type SerialScanner } from './scanning/serial-scanner.ts';
import { closeTerminalDb } from './store/connection.ts';

function hostChannel(): HostChannel {
  // Under Electron each window's calls arrive on a MessagePort of its own (port-channel.ts).
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) return portChannel(parentPort);
  const send = process.send?.bind(process);
  if (!send) throw new Error('process-main must be started by a host (Electron utilityProcess or a Node child with IPC)');
  return { onMessage: (l) => process.on('message', l), post: (m: BackendMessage) => void send(m) };
}

// Logs go to stderr (the host relays them) and, when the shell gives a folder, to rotated files.
const logFile = process.env.LT_LOG_DIR ? rotatingLog({ dir: process.env.LT_LOG_DIR, name: 'backend' }) : null;
const writeLog = (line: string) => {
  process.stderr.write(line + '\n');
  logFile?.write(line);
};
const channel = hostChannel();

if (process.env.LT_NEEDS_CONFIG) {
  // The shell found the configuration invalid: open nothing, answer every call with what to fix.
  const problems = parseProblems(process.env.LT_NEEDS_CONFIG);
  jsonLogger(writeLog).log('error', 'backend.needs_configuration', { problems });
  runMessageLoop(channel, needsConfigurationDispatcher(problems), () => {
    channel.post({ kind: 'stopped' });
    process.exit(0);
  });
  channel.post({ kind: 'ready', pid: process.pid });
} else {
  runBackend();
}

function runBackend(): void {
  const config = backendConfigFromEnv(process.env);
  // The key came from the shell's safeStorage; it need not stay in this process's environment.
  const deviceKey = config.LT_DEVICE_KEY ? Buffer.from(config.LT_DEVICE_KEY, 'base64') : null;
  delete process.env.LT_DEVICE_KEY;
  const log = jsonLogger(writeLog, config.LT_LOG_LEVEL as LogLevel);
  const backend = createBackend({
    dbPath: config.LT_DB_PATH,
    storeId: config.LT_STORE_ID,
    log,
    ...(config.LT_IDLE_MS ? { idleMs: config.LT_IDLE_MS } : {}),
    open: { integrityCheck: config.LT_INTEGRITY_CHECK },
    terminal: {
      locale: config.LT_LOCALE,
      ...(config.LT_PHONE_COUNTRY ? { phoneCountry: config.LT_PHONE_COUNTRY } : {}),
      appVersion: config.LT_APP_VERSION,
      demo: config.LT_DEMO === '1',
      logDir: config.LT_LOG_DIR ?? null,
      backupDir: config.LT_BACKUP_DIR ?? null,
    },
    sync: syncSettingsFromConfig(config),
    printing: printingFromConfig(config.LT_PRINTER, config.LT_RECEIPT, log),
    ...(deviceKey ? { deviceKey: () => deviceKey } : {}),
  });
  const dispatch = createDispatcher(backend);
  const backups: BackupSchedule | null =
    config.LT_BACKUP_DIR && backend.store.health.ok
      ? scheduleBackups(backend.store.db, {
          dir: config.LT_BACKUP_DIR,
          keep: config.LT_BACKUP_KEEP,
          intervalMs: config.LT_BACKUP_INTERVAL_MS,
          now: () => backend.clock.now(),
          log,
          key: () => keysOf(backend.store).backup(),
        })
      : null;

  let serial: SerialScanner | null = null;
  let stopping = false;
  async function shutdown(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await serial?.close();
    await backups?.stop();
    // Timers cleared, the request in flight aborted and its round awaited, before the database closes.
    await backend.sync.stop();
    // Commands are synchronous, so none is half-done here: closing checkpoints the WAL.
    closeTerminalDb(backend.store);
    channel.post({ kind: 'stopped' });
    log.log('info', 'backend.stopped', {});
    process.exit(0);
  }

  const loop = runMessageLoop(channel, dispatch, () => void shutdown());
  const emit = (event: BackendEvent) => loop.emit(event);

  if (config.LT_SERIAL) {
    serial = startSerialScanner({
      config: JSON.parse(config.LT_SERIAL),
      ...backend.scanner.callbacks(),
      onScan: (scan) => {
        backend.scans.publish(scan);
        emit({ name: 'scan', scan });
      },
      logger: log,
    });
  }
  // The customer display's state goes to every screen; the display page listens for it.
  backend.display.onChange((state) => emit({ name: 'customerDisplay', state }));
  // Status changes go to every screen; the engine runs only once paired (sync.pair starts it too).
  backend.sync.onStatus((status) => emit({ name: 'sync.status', status }));
  backend.sync.start();
  process.on('SIGTERM', () => void shutdown());
  process.on('disconnect', () => void shutdown());
  channel.post({ kind: 'ready', pid: process.pid });
  log.log('info', 'backend.ready', { pid: process.pid });
}
