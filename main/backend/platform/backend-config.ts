import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { MAX_PUSH_BATCH } from '../../../shared/sync-protocol.ts';
import type { SyncSettings } from '../sync/sync-settings.ts';
import { DEFAULT_SYNC_SETTINGS } from '../sync/sync-settings.ts';

/**
 * What the backend process needs to start, handed over by its host in the
 * environment (the same way under Electron's utilityProcess and a Node child).
 */
const schema = z.object({
  LT_DB_PATH: z.string().min(1),
  LT_STORE_ID: z.string().min(1).max(64),
  /** A serial scanner's settings as JSON (see serialScannerConfigSchema); absent = no serial scanner. */
  LT_SERIAL: z.string().optional(),
  /** The receipt printer's settings as JSON (see printerConfigSchema, main/backend/receipts/); absent = the system's print dialog. */
  LT_PRINTER: z.string().optional(),
  /** What every receipt carries as JSON (receiptConfigSchema: storeName, headerLines, footerLines). */
  LT_RECEIPT: z.string().optional(),
  LT_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  LT_IDLE_MS: z.coerce.number().int().min(10_000).optional(),
  // Sync with the central server (main/backend/sync/); every one optional, defaults in sync-settings.ts.
  LT_SYNC_PUSH_BATCH: z.coerce.number().int().min(1).max(MAX_PUSH_BATCH).optional(),
  LT_SYNC_PUSH_PIPELINE: z.coerce.number().int().min(1).max(8).optional(),
  LT_SYNC_PULL_INTERVAL_MS: z.coerce.number().int().min(1_000).optional(),
  LT_SYNC_HOLD_BUDGET_MS: z.coerce.number().int().min(50).max(10_000).optional(),
  LT_SYNC_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).optional(),
  LT_SYNC_ALERT_AFTER_MS: z.coerce.number().int().min(60_000).optional(),
  LT_OFFLINE_REDEEM_MEMBER_DAY: z.coerce.number().int().min(0).optional(),
  LT_OFFLINE_REDEEM_TERMINAL_DAY: z.coerce.number().int().min(0).optional(),
  /** 'true': plain http:// to a server that is not this machine is allowed (warned about at every start). */
  LT_SYNC_ALLOW_INSECURE_HTTP: z.enum(['true', 'false']).optional(),
  /** The check run on the database at start-up: 'full' (default), or 'quick' on very large databases where full takes minutes. */
  LT_INTEGRITY_CHECK: z.enum(['full', 'quick']).default('full'),
  LT_LOCALE: z.string().min(2).max(35).default('en-GB'),
  /** The store's country for phone numbers typed without a country code (ISO 3166, "DE"); default: LT_LOCALE's region. */
  LT_PHONE_COUNTRY: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional(),
  LT_APP_VERSION: z.string().max(40).default('dev'),
  LT_DEMO: z.enum(['0', '1']).default('0'),
  // Set by the shell (main/platform-config/backend-env.ts).
  /** Also write the log to rotating files here (backend.log); stderr always. */
  LT_LOG_DIR: z.string().min(1).optional(),
  LT_BACKUP_DIR: z.string().min(1).optional(),
  LT_BACKUP_INTERVAL_MS: z.coerce.number().int().min(60_000).default(3_600_000),
  LT_BACKUP_KEEP: z.coerce.number().int().min(1).default(24),
  /** The device key (base64, 32 bytes) from the shell's safeStorage; absent = the key file next to the database. */
  LT_DEVICE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/)
    .optional(),
});
export type BackendConfig = z.infer<typeof schema>;

export function backendConfigFromEnv(env: NodeJS.ProcessEnv): BackendConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError('VALIDATION', `The backend was started without its settings (${problems}).`);
  }
  return parsed.data;
}

/** The sync settings given in the environment, over the defaults. */
export function syncSettingsFromConfig(config: BackendConfig): SyncSettings {
  const d = DEFAULT_SYNC_SETTINGS;
  return {
    ...d,
    pushBatch: config.LT_SYNC_PUSH_BATCH ?? d.pushBatch,
    pushPipeline: config.LT_SYNC_PUSH_PIPELINE ?? d.pushPipeline,
    pullIntervalMs: config.LT_SYNC_PULL_INTERVAL_MS ?? d.pullIntervalMs,
    holdBudgetMs: config.LT_SYNC_HOLD_BUDGET_MS ?? d.holdBudgetMs,
    requestTimeoutMs: config.LT_SYNC_REQUEST_TIMEOUT_MS ?? d.requestTimeoutMs,
    alertAfterMs: config.LT_SYNC_ALERT_AFTER_MS ?? d.alertAfterMs,
    allowInsecureHttp:
      config.LT_SYNC_ALLOW_INSECURE_HTTP === undefined ? d.allowInsecureHttp : config.LT_SYNC_ALLOW_INSECURE_HTTP === 'true',
    offlineCaps: {
      memberPerDay: config.LT_OFFLINE_REDEEM_MEMBER_DAY ?? d.offlineCaps.memberPerDay,
      terminalPerDay: config.LT_OFFLINE_REDEEM_TERMINAL_DAY ?? d.offlineCaps.terminalPerDay,
    },
  };
}
