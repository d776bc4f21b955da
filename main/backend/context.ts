import type { Clock } from './platform/clock.ts';
import type { Logger } from './platform/logging.ts';
import type { ScanHub } from './scanning/scan-hub.ts';
import type { TerminalDb } from './store/connection.ts';
import type { SessionStaff, Sessions } from './staff/sessions.ts';

/** What every command gets: the store, the time, the log and who is signed in. */
export interface Backend {
  store: TerminalDb;
  clock: Clock;
  log: Logger;
  sessions: Sessions;
  storeId: string;
  /** Every scan, whichever scanner it came from. */
  scans: ScanHub;
  /** Wrong PINs before a staff member is locked out, and for how long. */
  lockout: { attempts: number; ms: number };
}

export interface CallContext extends Backend {
  staff: SessionStaff | null;
  token: string | null;
}

export interface StaffContext extends CallContext {
  staff: SessionStaff;
}
