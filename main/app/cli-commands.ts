import { mkdirSync, readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors.ts';
import { restoreBackup } from '../backend/platform/backup.ts';
import { subKey } from '../backend/platform/sealed-keys.ts';
import { writeDiagnostics } from '../backend/platform/diagnostics.ts';
import { rotatingLog, type RotatingLog } from '../backend/platform/log-files.ts';
import { jsonLogger, silentLogger, type Logger } from '../backend/platform/logging.ts';
import { closeTerminalDb, openTerminalDb } from '../backend/store/connection.ts';
import type { DeviceKeySource } from '../backend/sync/credentials.ts';
import { pairTerminal } from '../backend/sync/pair.ts';
import { backupDir, terminalDbPath } from '../platform-config/backend-env.ts';
import { builtInDefaults, configFilePath, formatProblem, resolveConfig, type ResolvedConfig } from '../platform-config/config-resolve.ts';
import { parseFlags, type ParsedFlags } from '../platform-config/config-sources.ts';
import { currentOs, readConfigFile } from '../platform-config/config-load.ts';
import { EXIT, type ExitCode } from './cli-exit-codes.ts';

/**
 * The headless commands, the same code whether the Electron app was started
 * with them (`loyalty-terminal --pair …`) or the Node entry (main/app/cli.ts):
 *   --pair CODE [--server URL] [--ca FILE] [--terminal-name NAME]
 *   --diagnostics OUT.zip
 *   --restore BACKUP.sqlite.enc   (the app must be stopped; only on the terminal that made it)
 * plus every configuration flag (--config FILE, --data-dir DIR, …).
 */
export const COMMAND_FLAGS = ['pair', 'diagnostics', 'restore'] as const;
const VALUE_FLAGS = new Set(['pair', 'diagnostics', 'restore', 'terminal-name']);

export interface CliDeps {
  /** Where the device key comes from: safeStorage under Electron, the key file under Node. */
  keySource(dbPath: string): DeviceKeySource;
  versions: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
  now(): number;
}

export function isCliInvocation(args: readonly string[]): boolean {
  const flags = parseFlags(args, VALUE_FLAGS);
  return COMMAND_FLAGS.some((c) => flags.other.has(c)) || flags.other.has('help');
}

export async function runCli(args: readonly string[], deps: CliDeps): Promise<ExitCode> {
  const flags = parseFlags(args, VALUE_FLAGS);
  const commands = COMMAND_FLAGS.filter((c) => flags.other.has(c));
  if (flags.other.has('help')) {
    deps.out(USAGE);
    return EXIT.OK;
  }
  const unknown = [...flags.other.keys()].filter((k) => !VALUE_FLAGS.has(k));
  if (commands.length !== 1 || unknown.length > 0 || flags.positionals.length > 0) {
    deps.err(
      commands.length !== 1
        ? 'Give exactly one of --pair, --diagnostics, --restore.'
        : `Unknown argument: ${[...unknown.map((u) => `--${u}`), ...flags.positionals][0]}`,
    );
    deps.err(USAGE);
    return EXIT.BAD_ARGUMENTS;
  }
  const command = commands[0]!;
  const value = flags.other.get(command);
  if (typeof value !== 'string' || value === '') {
    deps.err(`--${command} needs a value.`);
    return EXIT.BAD_ARGUMENTS;
  }
  const resolved = resolve(flags, deps.env);
  const logFile = openLog(resolved.config.logDir);
  const log = logFile ? jsonLogger((line) => logFile.write(line), resolved.config.logLevel) : silentLogger;
  try {
    if (command === 'pair') return await pair(value, flags, resolved, deps, log);
    if (command === 'diagnostics') return await diagnostics(value, resolved, deps);
    return await restore(value, resolved, deps, log);
  } finally {
    logFile?.close();
  }
}

function resolve(flags: ParsedFlags, env: Record<string, string | undefined>): ResolvedConfig {
  const os = currentOs(env);
  return resolveConfig({
    defaults: builtInDefaults(os),
    file: readConfigFile(configFilePath(os, flags)),
    env,
    flags,
    platform: os.platform,
  });
}

async function pair(code: string, flags: ParsedFlags, resolved: ResolvedConfig, deps: CliDeps, log: Logger): Promise<ExitCode> {
  // Pairing tells the store id, so a missing one is no obstacle here; any other problem is.
  const problems = resolved.problems.filter((p) => !(p.source === 'configuration' && p.field === 'storeId'));
  if (problems.some((p) => p.source === 'command line')) return fail(deps, EXIT.BAD_ARGUMENTS, problems.map(formatProblem));
  if (problems.length > 0) return fail(deps, EXIT.NOT_CONFIGURED, problems.map(formatProblem));
  const { config } = resolved;
  if (config.server.url === null)
    return fail(deps, EXIT.BAD_ARGUMENTS, ['--server URL is required (or server.url in the configuration file).']);
  let caPem: string | null = null;
  if (config.server.caFile !== null) {
    try {
      caPem = readFileSync(config.server.caFile, 'utf8');
    } catch (error) {
      return fail(deps, EXIT.BAD_ARGUMENTS, [
        `--ca ${config.server.caFile}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      ]);
    }
    if (!caPem.includes('-----BEGIN CERTIFICATE-----'))
      return fail(deps, EXIT.BAD_ARGUMENTS, [`--ca ${config.server.caFile}: is not a PEM certificate.`]);
  }
  const name = flags.other.get('terminal-name');
  const dbPath = terminalDbPath(config);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = openTerminalDb(dbPath);
  try {
    if (!store.health.ok) return fail(deps, EXIT.FAILED, [`The database ${dbPath} is damaged: restore a backup first.`]);
    const result = await pairTerminal(
      store,
      { serverUrl: config.server.url, code, terminalName: typeof name === 'string' && name ? name : undefined, caPem },
      { keySource: deps.keySource(dbPath), now: deps.now, log, allowInsecureHttp: config.sync.allowInsecureHttp ?? false },
    );
    deps.out(`Paired: terminal ${result.terminalId} of store ${result.storeId} (${result.storeName}).`);
    if (config.storeId !== result.storeId)
      deps.out(`Set "storeId": "${result.storeId}" in ${resolved.file.path} (or LT_STORE_ID) before starting the app.`);
    return EXIT.OK;
  } catch (error) {
    const exit = pairExitCode(error);
    log.log('warn', 'cli.pair_failed', { exit, code: error instanceof AppError ? error.code : 'INTERNAL' });
    return fail(deps, exit, [error instanceof Error ? error.message : String(error)]);
  } finally {
    closeTerminalDb(store);
  }
}

/** pairTerminal's typed errors to exit codes (see pairingError in main/backend/sync/pair.ts). */
export function pairExitCode(error: unknown): ExitCode {
  if (!(error instanceof AppError)) return EXIT.FAILED;
  const details = error.details ?? {};
  if (details.reason === 'tls' || error.code === 'INSECURE_SERVER_URL') return EXIT.TLS;
  if (error.code === 'VALIDATION' && typeof details.status === 'number') return EXIT.REFUSED;
  if (error.code === 'VALIDATION' && typeof details.reason === 'string') return EXIT.BAD_CODE;
  if (error.code === 'INTERNAL' && details.reason === 'invalid_response') return EXIT.REFUSED;
  if (error.code === 'INTERNAL' && typeof details.reason === 'string') return EXIT.UNREACHABLE;
  return EXIT.FAILED;
}

async function diagnostics(outPath: string, resolved: ResolvedConfig, deps: CliDeps): Promise<ExitCode> {
  const { config } = resolved;
  try {
    const files = await writeDiagnostics({
      outPath,
      dbPath: terminalDbPath(config),
      logDir: config.logDir,
      backupDir: backupDir(config),
      config,
      problems: resolved.problems,
      versions: deps.versions,
      now: deps.now(),
    });
    deps.out(`Wrote ${outPath} (${files.length} files).`);
    return EXIT.OK;
  } catch (error) {
    return fail(deps, EXIT.FAILED, [`Could not write ${outPath}: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/** A backup opens only with the device key of the terminal that made it (platform/sealed-backup.ts). */
async function restore(backupPath: string, resolved: ResolvedConfig, deps: CliDeps, log: Logger): Promise<ExitCode> {
  const dbPath = terminalDbPath(resolved.config);
  try {
    const key = subKey(deps.keySource(dbPath)(), 'backup');
    const { movedAside } = await restoreBackup(backupPath, dbPath, deps.now(), key);
    log.log('info', 'cli.restored', { movedAside: movedAside !== null });
    deps.out(`Restored ${backupPath} to ${dbPath}.${movedAside ? ` The previous database was kept as ${movedAside}.` : ''}`);
    return EXIT.OK;
  } catch (error) {
    return fail(deps, EXIT.FAILED, [`Restore failed, nothing was changed: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

function fail(deps: CliDeps, exit: ExitCode, lines: string[]): ExitCode {
  for (const line of lines) deps.err(line);
  return exit;
}

function openLog(dir: string): RotatingLog | null {
  try {
    return rotatingLog({ dir, name: 'cli' });
  } catch {
    return null; // a CLI run must not fail because the log folder is not writable
  }
}

const USAGE = `Usage:
  loyalty-terminal --pair CODE [--server URL] [--ca FILE] [--terminal-name NAME]
  loyalty-terminal --diagnostics OUT.zip
  loyalty-terminal --restore BACKUP.sqlite.enc  (with the app stopped, on the terminal that made it)
Configuration flags (override ${'LT_*'} variables and the machine file): --config FILE, --store-id ID,
  --data-dir DIR, --log-dir DIR, --log-level LEVEL, --server URL, --ca FILE, --[no-]kiosk, --[no-]updates, …
Exit status: 0 ok, 1 failed, 2 bad arguments, 3 bad pairing code, 4 server unreachable,
  5 certificate not trusted, 6 server refused, 7 configuration invalid.`;
