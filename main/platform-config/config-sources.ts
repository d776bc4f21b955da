/**
 * How each setting is spelt outside the file: its environment variable and
 * its command-line flag. Env and flags are text; they are turned into typed
 * values here, then checked by the same schema as the file.
 */
export type SettingKind = 'string' | 'int' | 'bool' | 'json';

export interface Setting {
  /** 'storeId' or 'group.key' in the file. */
  field: string;
  env: string;
  flag: string;
  kind: SettingKind;
}

export const SETTINGS: readonly Setting[] = [
  { field: 'storeId', env: 'LT_STORE_ID', flag: 'store-id', kind: 'string' },
  { field: 'dataDir', env: 'LT_DATA_DIR', flag: 'data-dir', kind: 'string' },
  { field: 'logDir', env: 'LT_LOG_DIR', flag: 'log-dir', kind: 'string' },
  { field: 'logLevel', env: 'LT_LOG_LEVEL', flag: 'log-level', kind: 'string' },
  { field: 'locale', env: 'LT_LOCALE', flag: 'locale', kind: 'string' },
  { field: 'phoneCountry', env: 'LT_PHONE_COUNTRY', flag: 'phone-country', kind: 'string' },
  { field: 'serialScanner', env: 'LT_SERIAL', flag: 'serial', kind: 'json' },
  { field: 'printer', env: 'LT_PRINTER', flag: 'printer', kind: 'json' },
  { field: 'receipt', env: 'LT_RECEIPT', flag: 'receipt', kind: 'json' },
  { field: 'display.kiosk', env: 'LT_KIOSK', flag: 'kiosk', kind: 'bool' },
  { field: 'display.fullscreen', env: 'LT_FULLSCREEN', flag: 'fullscreen', kind: 'bool' },
  { field: 'display.customerScreen', env: 'LT_CUSTOMER_SCREEN', flag: 'customer-screen', kind: 'string' },
  { field: 'server.url', env: 'LT_SERVER_URL', flag: 'server', kind: 'string' },
  { field: 'server.caFile', env: 'LT_CA_FILE', flag: 'ca', kind: 'string' },
  { field: 'updates.enabled', env: 'LT_UPDATES', flag: 'updates', kind: 'bool' },
  { field: 'updates.url', env: 'LT_UPDATE_URL', flag: 'update-url', kind: 'string' },
  { field: 'updates.publisherName', env: 'LT_UPDATE_PUBLISHER', flag: 'update-publisher', kind: 'string' },
  { field: 'backups.enabled', env: 'LT_BACKUPS', flag: 'backups', kind: 'bool' },
  { field: 'backups.intervalMinutes', env: 'LT_BACKUP_INTERVAL_MINUTES', flag: 'backup-interval-minutes', kind: 'int' },
  { field: 'backups.keep', env: 'LT_BACKUP_KEEP', flag: 'backup-keep', kind: 'int' },
  { field: 'backups.dir', env: 'LT_BACKUP_DIR', flag: 'backup-dir', kind: 'string' },
  { field: 'sync.pushBatch', env: 'LT_SYNC_PUSH_BATCH', flag: 'sync-push-batch', kind: 'int' },
  { field: 'sync.pushPipeline', env: 'LT_SYNC_PUSH_PIPELINE', flag: 'sync-push-pipeline', kind: 'int' },
  { field: 'sync.pullIntervalMs', env: 'LT_SYNC_PULL_INTERVAL_MS', flag: 'sync-pull-interval-ms', kind: 'int' },
  { field: 'sync.holdBudgetMs', env: 'LT_SYNC_HOLD_BUDGET_MS', flag: 'sync-hold-budget-ms', kind: 'int' },
  { field: 'sync.requestTimeoutMs', env: 'LT_SYNC_REQUEST_TIMEOUT_MS', flag: 'sync-request-timeout-ms', kind: 'int' },
  { field: 'sync.alertAfterMs', env: 'LT_SYNC_ALERT_AFTER_MS', flag: 'sync-alert-after-ms', kind: 'int' },
  { field: 'sync.offlineRedeemMemberDay', env: 'LT_OFFLINE_REDEEM_MEMBER_DAY', flag: 'offline-redeem-member-day', kind: 'int' },
  { field: 'sync.offlineRedeemTerminalDay', env: 'LT_OFFLINE_REDEEM_TERMINAL_DAY', flag: 'offline-redeem-terminal-day', kind: 'int' },
  { field: 'sync.allowInsecureHttp', env: 'LT_SYNC_ALLOW_INSECURE_HTTP', flag: 'sync-allow-insecure-http', kind: 'bool' },
];

/** Where the machine-wide file is, when not in its usual place (tests, unusual installs). */
export const CONFIG_FILE_ENV = 'LT_CONFIG_FILE';
export const CONFIG_FILE_FLAG = 'config';

export type TextValue = { ok: true; value: unknown } | { ok: false; message: string };

/** Text to a typed value. A value that does not fit is passed on as text so the schema names the expected type. */
export function fromText(kind: SettingKind, text: string): TextValue {
  if (kind === 'int') return { ok: true, value: /^-?\d+$/.test(text.trim()) ? Number(text) : text };
  if (kind === 'bool') {
    const t = text.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(t)) return { ok: true, value: true };
    if (['0', 'false', 'no', 'off'].includes(t)) return { ok: true, value: false };
    return { ok: false, message: `must be true or false (got "${text}")` };
  }
  if (kind === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, message: `is not valid JSON (${(error as Error).message})` };
    }
  }
  return { ok: true, value: text };
}

export interface ParsedFlags {
  /** Known flags in order (a later one wins), with their text or boolean. */
  values: Map<string, string | boolean>;
  /** Flags that are not settings (commands such as --pair, or Chromium's own switches). */
  other: Map<string, string | boolean>;
  positionals: string[];
}

/**
 * `--name value`, `--name=value`, `--flag`, `--no-flag`. Which flags take a
 * value is known from SETTINGS and `valueFlags` (the command flags), so a
 * flag's value is never mistaken for a positional or vice versa.
 */
export function parseFlags(args: readonly string[], valueFlags: ReadonlySet<string> = new Set()): ParsedFlags {
  const byFlag = new Map(SETTINGS.map((s) => [s.flag, s]));
  const takesValue = (name: string) =>
    valueFlags.has(name) || name === CONFIG_FILE_FLAG || (byFlag.has(name) && byFlag.get(name)!.kind !== 'bool');
  const values = new Map<string, string | boolean>();
  const other = new Map<string, string | boolean>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | boolean;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (takesValue(name)) {
      const next = args[i + 1];
      // A missing value is recorded as '' so the caller can say which flag lacks it.
      value = next !== undefined && !next.startsWith('--') ? (i++, next) : '';
    } else if (name.startsWith('no-') && byFlag.get(name.slice(3))?.kind === 'bool') {
      name = name.slice(3);
      value = false;
    } else value = true;
    (byFlag.has(name) || name === CONFIG_FILE_FLAG ? values : other).set(name, value);
  }
  return { values, other, positionals };
}
