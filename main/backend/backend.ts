import type { Backend, Printing, TerminalIdentity } from './context.ts';
import { CustomerDisplayFeed } from './customer-display/display-feed.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { silentLogger, type Logger } from './platform/logging.ts';
import { sealedKeys } from './platform/sealed-keys.ts';
import { MemberPresence } from './sales/member-presence.ts';
import { createScanHub } from './scanning/scan-hub.ts';
import { ScannerMonitor } from './scanning/scanner-monitor.ts';
import { rekeyLegacyPins } from './staff/pin-verifier.ts';
import { Sessions } from './staff/sessions.ts';
import { openTerminalDb, type OpenOptions } from './store/connection.ts';
import { staffById } from './store/staff.ts';
import { keyFileSource, type DeviceKeySource } from './sync/credentials.ts';
import { SyncEngine, type SyncEngineOptions } from './sync/sync-engine.ts';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from './sync/sync-settings.ts';

export interface BackendOptions {
  dbPath: string;
  storeId: string;
  clock?: Clock;
  log?: Logger;
  /** Sign staff out after this long without a command (default 5 minutes). */
  idleMs?: number;
  lockout?: { attempts: number; ms: number };
  open?: OpenOptions;
  sync?: Partial<SyncSettings>;
  /**
   * Where the device key comes from; default: the file `<dbPath>.key`. It seals the sync credentials,
   * and keys the staff PIN verifiers and the backups (platform/sealed-keys.ts).
   */
  deviceKey?: DeviceKeySource;
  /** Test seams of the sync engine (crash injection, jitter). */
  syncTest?: Pick<SyncEngineOptions, 'hooks' | 'random'>;
  terminal?: Partial<TerminalIdentity>;
  /** The receipt printer and receipt settings; default: no printer, the store id as the store's name. */
  printing?: Partial<Printing>;
}

/** Opens the store and wires what every command needs. A damaged database is opened read-only and logged. */
export function createBackend(options: BackendOptions): Backend {
  const log = options.log ?? silentLogger;
  const keySource = options.deviceKey ?? keyFileSource(`${options.dbPath}.key`);
  const store = openTerminalDb(options.dbPath, { ...options.open, keys: sealedKeys(keySource) });
  if (!store.health.ok) log.log('error', 'database.corrupt', { path: store.path, problems: store.health.problems.slice(0, 5) });
  try {
    const rekeyed = rekeyLegacyPins(store);
    if (rekeyed > 0) log.log('info', 'staff.pins_rekeyed', { count: rekeyed });
  } catch (error) {
    // No device key (a damaged key file): the backend still starts; sign-in says what is wrong.
    log.log('error', 'staff.pins_rekey_failed', { error: error instanceof Error ? error.message : String(error) });
  }
  const clock = options.clock ?? systemClock;
  const sync = new SyncEngine({
    store,
    clock,
    log,
    keySource,
    settings: { ...DEFAULT_SYNC_SETTINGS, ...options.sync },
    ...options.syncTest,
  });
  return {
    store,
    clock,
    log,
    sessions: new Sessions(options.idleMs ?? 5 * 60_000, (s) => {
      const row = staffById(store.db, s.id);
      return row !== undefined && row.active === 1 && row.role === s.role;
    }),
    storeId: options.storeId,
    scans: createScanHub(log),
    scanner: new ScannerMonitor(() => clock.now()),
    terminal: { locale: 'en-GB', appVersion: 'dev', demo: false, logDir: null, backupDir: null, ...options.terminal },
    lockout: options.lockout ?? { attempts: 5, ms: 15 * 60_000 },
    sync,
    printing: { printer: null, receipt: { headerLines: [], footerLines: [] }, problem: null, ...options.printing },
    display: new CustomerDisplayFeed(),
    presence: new MemberPresence(),
  };
}
