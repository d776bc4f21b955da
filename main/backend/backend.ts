import type { Backend } from './context.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { silentLogger, type Logger } from './platform/logging.ts';
import { createScanHub } from './scanning/scan-hub.ts';
import { Sessions } from './staff/sessions.ts';
import { openTerminalDb, type OpenOptions } from './store/connection.ts';

export interface BackendOptions {
  dbPath: string;
  storeId: string;
  clock?: Clock;
  log?: Logger;
  /** Sign staff out after this long without a command (default 5 minutes). */
  idleMs?: number;
  lockout?: { attempts: number; ms: number };
  open?: OpenOptions;
}

/** Opens the store and wires what every command needs. A damaged database is opened read-only and logged. */
export function createBackend(options: BackendOptions): Backend {
  const log = options.log ?? silentLogger;
  const store = openTerminalDb(options.dbPath, options.open);
  if (!store.health.ok) log.log('error', 'database.corrupt', { path: store.path, problems: store.health.problems.slice(0, 5) });
  return {
    store,
    clock: options.clock ?? systemClock,
    log,
    sessions: new Sessions(options.idleMs ?? 5 * 60_000),
    storeId: options.storeId,
    scans: createScanHub(log),
    lockout: options.lockout ?? { attempts: 5, ms: 15 * 60_000 },
  };
}
