import type { CustomerDisplayFeed } from './customer-display/display-feed.ts';
import type { Clock } from './platform/clock.ts';
import type { PrinterConfig, ReceiptConfig } from './receipts/printer-config.ts';
import type { Logger } from './platform/logging.ts';
import type { MemberPresence } from './sales/member-presence.ts';
import type { ScanHub } from './scanning/scan-hub.ts';
import type { ScannerMonitor } from './scanning/scanner-monitor.ts';
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { ReadableStore, TerminalDb } from './store/connection.ts';
import type { Lockout } from './staff/pin-check.ts';
import type { SessionStaff, Sessions } from './staff/sessions.ts';
import type { SyncEngine } from './sync/sync-engine.ts';

/** What every command gets: the store, the time, the log and who is signed in. */
export interface Backend {
  store: TerminalDb;
  clock: Clock;
  log: Logger;
  sessions: Sessions;
  storeId: string;
  /** Every scan, whichever scanner it came from. */
  scans: ScanHub;
  /** The serial scanner's state and last raw bytes, for the settings screen. */
  scanner: ScannerMonitor;
  /** Tests list ports through serialport's mock binding; the platform's binding otherwise. */
  serialBinding?: BindingInterface;
  /** Wrong PINs before a staff member is locked out, and for how long. */
  lockout: Lockout;
  /** The link to the central server (idle until started or paired). */
  sync: SyncEngine;
  terminal: TerminalIdentity;
  /** The receipt printer (null: the screens use the system's print dialog) and what every receipt carries. */
  printing: Printing;
  /** What the customer-facing display shows (main/backend/customer-display/). */
  display: CustomerDisplayFeed;
  /** Members a scan identified, per signed-in staff member: redemption needs one (sales/member-presence.ts). */
  presence: MemberPresence;
}

export interface Printing {
  printer: PrinterConfig | null;
  receipt: ReceiptConfig;
  /** Why the printer or receipt settings given could not be used, for the settings screen; null when they could. */
  problem: string | null;
  /** Tests open serial printers through serialport's mock binding; the platform's binding otherwise. */
  binding?: BindingInterface;
}

/** What the screens show about this installation. */
export interface TerminalIdentity {
  /** BCP 47 locale for money and dates. */
  locale: string;
  /** ISO 3166 country for phone numbers typed without a country code (LT_PHONE_COUNTRY); default: the locale's region. */
  phoneCountry?: string;
  appVersion: string;
  /** Started with demo data (npm start): the screens say so. */
  demo: boolean;
  /** Where this installation keeps its logs and backups, for the diagnostics export (null: none). */
  logDir: string | null;
  backupDir: string | null;
}

export interface CallContext extends Backend {
  staff: SessionStaff | null;
  token: string | null;
}

export interface StaffContext extends CallContext {
  staff: SessionStaff;
}

/** The sync engine as a read-only command may use it: what it shows, never a round. */
export type SyncReader = Pick<
  SyncEngine,
  'status' | 'paired' | 'offlineCaps' | 'memberSalesAtStore' | 'searchMembersOnline' | 'memberHistoryOnline' | 'pairing'
>;

/**
 * What a command declared to write nothing (shared/api.ts `writes: false`) is
 * given: the same context with a store it can only read, so calling a store
 * function that writes, or writeTransaction(), is a compile error.
 */
export type ReadOnly<C extends CallContext> = Omit<C, 'store' | 'sync'> & { store: ReadableStore; sync: SyncReader };
export type ReadCallContext = ReadOnly<CallContext>;
export type ReadStaffContext = ReadOnly<StaffContext>;
