import { z } from 'zod';

/**
 * The terminal's fleet configuration: what IT sets per machine. Every layer
 * (machine file, environment, command line) is checked with the same strict
 * group schemas, so an unknown or misspelt field is an error, never ignored.
 */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' });
const absolutePath = z
  .string()
  .min(1)
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'must be an absolute path');

export const displaySchema = z.strictObject({
  /** Kiosk mode: full screen, no window controls, the cashier cannot leave the app. */
  kiosk: z.boolean(),
  fullscreen: z.boolean(),
  /** The customer-facing display: 'auto' opens it full screen on the first screen that is not the cashier's; 'off' never. */
  customerScreen: z.enum(['off', 'auto']),
});

export const serverSchema = z.strictObject({
  /** The central loyalty server (for `--pair` without `--server`, and shown in diagnostics). */
  url: httpUrl.nullable(),
  /** PEM file of the CA of an on-premise server with its own certificates. */
  caFile: absolutePath.nullable(),
});

export const updatesSchema = z.strictObject({
  /** Off for deb fleets (their package manager updates them). */
  enabled: z.boolean(),
  /** The self-hosted generic feed (latest.yml / latest-linux.yml and the installers); https:// when enabled (update-policy.ts). */
  url: httpUrl.nullable(),
  /**
   * Windows: the publisher named in the installers' code-signing certificate (its subject CN,
   * as electron-builder's win.signtoolOptions.publisherName); an installer not signed by it is
   * refused. Required when updates are enabled on Windows.
   */
  publisherName: z.string().trim().min(1).max(200).nullable(),
  /** Local hours [from, to) in which a downloaded update may restart an idle terminal. */
  maintenanceHours: z.strictObject({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(24) }),
});

export const backupsSchema = z.strictObject({
  enabled: z.boolean(),
  intervalMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60),
  keep: z.number().int().min(1).max(1000),
  /** Default: `<dataDir>/backups`. Another disk is better. */
  dir: absolutePath.nullable(),
});

export const syncTuningSchema = z.strictObject({
  pushBatch: z.number().int().min(1).max(1000),
  pushPipeline: z.number().int().min(1).max(8),
  pullIntervalMs: z.number().int().min(1_000),
  holdBudgetMs: z.number().int().min(50).max(10_000),
  requestTimeoutMs: z.number().int().min(1_000),
  alertAfterMs: z.number().int().min(60_000),
  offlineRedeemMemberDay: z.number().int().min(0),
  offlineRedeemTerminalDay: z.number().int().min(0),
  /**
   * Allow plain http:// to a central server that is not this machine. Off by default: the
   * terminal then refuses such an address (INSECURE_SERVER_URL). On, every start of sync logs
   * a warning. Only for a closed network while its TLS is being set up.
   */
  allowInsecureHttp: z.boolean(),
});

const scalars = {
  storeId: z.string().min(1).max(64).nullable(),
  dataDir: absolutePath,
  logDir: absolutePath,
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  locale: z.string().min(2).max(35),
  /** ISO 3166 country for phone numbers typed without a country code ("DE"); null: the region of `locale`. */
  phoneCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter country code such as DE')
    .nullable(),
  /** Checked in full by the backend (serialScannerConfigSchema), which names the bad field. */
  serialScanner: z.record(z.string(), z.unknown()).nullable(),
  /** The receipt printer; checked in full by the backend (printerConfigSchema in main/backend/receipts/). Null: the system's print dialog. */
  printer: z.record(z.string(), z.unknown()).nullable(),
  /** What every receipt carries (storeName, headerLines, footerLines); checked in full by the backend. */
  receipt: z.record(z.string(), z.unknown()).nullable(),
};

export const fleetConfigSchema = z.strictObject({
  ...scalars,
  display: displaySchema,
  server: serverSchema,
  updates: updatesSchema,
  backups: backupsSchema,
  sync: syncTuningSchema.partial(),
});

/** One layer: any subset of the fields, each group partial too. */
export const configLayerSchema = z.strictObject({
  storeId: scalars.storeId.optional(),
  dataDir: scalars.dataDir.optional(),
  logDir: scalars.logDir.optional(),
  logLevel: scalars.logLevel.optional(),
  locale: scalars.locale.optional(),
  phoneCountry: scalars.phoneCountry.optional(),
  serialScanner: scalars.serialScanner.optional(),
  printer: scalars.printer.optional(),
  receipt: scalars.receipt.optional(),
  display: displaySchema.partial().optional(),
  server: serverSchema.partial().optional(),
  updates: updatesSchema.partial().optional(),
  backups: backupsSchema.partial().optional(),
  sync: syncTuningSchema.partial().optional(),
});

export type FleetConfig = z.infer<typeof fleetConfigSchema>;
export type ConfigLayer = z.infer<typeof configLayerSchema>;
export const CONFIG_GROUPS = ['display', 'server', 'updates', 'backups', 'sync'] as const;
