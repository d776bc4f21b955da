/**
 * The backend process: the one entry point both hosts start (Electron's
 * utilityProcess, the browser host's Node child). It owns the database and
 * the serial scanner and answers the screens' calls through its host.
 */
import type { BackendEvent } from '../../shared/api.ts';
import { createBackend } from './backend.ts';
import { createDispatcher } from './dispatch.ts';
import { runMessageLoop, type BackendMessage, type HostChannel } from './message-loop.ts';
import { backendConfigFromEnv, syncSettingsFromConfig } from './platform/backend-config.ts';
import { jsonLogger } from './platform/logging.ts';
import { startSerialScanner, type SerialScanner } from './scanning/serial-scanner.ts';
import { closeTerminalDb } from './store/connection.ts';

interface ElectronParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function hostChannel(): HostChannel {
  const parentPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return { onMessage: (l) => parentPort.on('message', (e) => l(e.data)), post: (m) => parentPort.postMessage(m) };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('process-main must be started by a host (Electron utilityProcess or a Node child with IPC)');
  return { onMessage: (l) => process.on('message', l), post: (m: BackendMessage) => void send(m) };
}

const config = backendConfigFromEnv(process.env);
const log = jsonLogger((line) => process.stderr.write(line + '\n'), config.LT_LOG_LEVEL);
const backend = createBackend({ dbPath: config.LT_DB_PATH, storeId: config.LT_STORE_ID, log, ...(config.LT_IDLE_MS ? { idleMs: config.LT_IDLE_MS } : {}),
  terminal: { locale: config.LT_LOCALE, appVersion: config.LT_APP_VERSION, demo: config.LT_DEMO === '1' },
  sync: syncSettingsFromConfig(config),
});
const dispatch = createDispatcher(backend);
const channel = hostChannel();

let serial: SerialScanner | null = null;
let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await serial?.close();
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
    onScan: (scan) => {
      backend.scans.publish(scan);
      emit({ name: 'scan', scan });
    },
    logger: log,
  });
}
// Status changes go to every screen; the engine runs only once paired (sync.pair starts it too).
backend.sync.onStatus((status) => emit({ name: 'sync.status', status }));
backend.sync.start();
process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());
channel.post({ kind: 'ready', pid: process.pid });
log.log('info', 'backend.ready', { pid: process.pid });
