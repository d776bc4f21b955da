import { join } from 'node:path';
import type { ConfigProblem } from './config-resolve.ts';
import type { FleetConfig } from './fleet-config-schema.ts';
import { SETTINGS } from './config-sources.ts';

/**
 * The resolved configuration handed to the backend process as LT_* variables
 * (the same under Electron's utilityProcess and a Node child). The shell
 * resolves precedence once; the backend never reads the machine file itself.
 */
export const TERMINAL_DB_FILE = 'terminal.sqlite';

export function terminalDbPath(config: FleetConfig): string {
  return join(config.dataDir, TERMINAL_DB_FILE);
}

export function backupDir(config: FleetConfig): string {
  return config.backups.dir ?? join(config.dataDir, 'backups');
}

export function backendEnv(
  config: FleetConfig,
  options: { appVersion: string; problems: readonly ConfigProblem[] },
): Record<string, string> {
  const env: Record<string, string> = {
    LT_DB_PATH: terminalDbPath(config),
    // An unconfigured terminal still starts (to say what is missing); it never syncs or sells.
    LT_STORE_ID: config.storeId ?? 'unconfigured',
    LT_LOG_DIR: config.logDir,
    LT_LOG_LEVEL: config.logLevel,
    LT_LOCALE: config.locale,
    LT_APP_VERSION: options.appVersion,
  };
  if (config.phoneCountry !== null) env.LT_PHONE_COUNTRY = config.phoneCountry;
  if (config.serialScanner !== null) env.LT_SERIAL = JSON.stringify(config.serialScanner);
  if (config.printer !== null) env.LT_PRINTER = JSON.stringify(config.printer);
  if (config.receipt !== null) env.LT_RECEIPT = JSON.stringify(config.receipt);
  if (config.backups.enabled) {
    env.LT_BACKUP_DIR = backupDir(config);
    env.LT_BACKUP_INTERVAL_MS = String(config.backups.intervalMinutes * 60_000);
    env.LT_BACKUP_KEEP = String(config.backups.keep);
  }
  for (const s of SETTINGS) {
    const [group, key] = s.field.split('.');
    if (group !== 'sync' || key === undefined) continue;
    const value = config.sync[key as keyof FleetConfig['sync']];
    if (value !== undefined) env[s.env] = String(value);
  }
  if (options.problems.length > 0) env.LT_NEEDS_CONFIG = JSON.stringify(options.problems);
  return env;
}

/** The host's own environment without any LT_ variable: the backend gets only the resolved ones. */
export function withoutTerminalVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('LT_')) out[k] = v;
  return out;
}
