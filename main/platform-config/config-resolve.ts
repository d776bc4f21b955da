import type { z } from 'zod';
import { CONFIG_GROUPS, configLayerSchema, fleetConfigSchema, type ConfigLayer, type FleetConfig } from './fleet-config-schema.ts';
import { defaultDataDir, defaultLogDir, machineConfigPath, type OsContext } from './os-paths.ts';
import { CONFIG_FILE_ENV, CONFIG_FILE_FLAG, fromText, SETTINGS, type ParsedFlags } from './config-sources.ts';
import { updateFeedProblems } from './update-feed.ts';

/**
 * The configuration a terminal runs with: built-in defaults < the machine
 * file < environment variables < command-line flags. Pure: the file's text
 * (or why it could not be read) is an argument. A layer with any problem is
 * left out whole (a half-applied file is worse than none) and its problems
 * are reported; any problem puts the terminal in the "needs configuration"
 * state, so it never sells with settings nobody meant.
 */
export type ConfigFileRead =
  | { path: string; status: 'missing' }
  | { path: string; status: 'unreadable'; error: string }
  | { path: string; status: 'read'; text: string };

export interface ConfigProblem {
  /** The file's path, 'environment', 'command line' or 'configuration' (the combined result). */
  source: string;
  /** As the IT person spells it there: `updates.url`, `LT_UPDATE_URL`, `--update-url`. */
  field: string;
  message: string;
}

export interface ResolvedConfig {
  /** Always usable for logs and paths; only trusted for selling when `problems` is empty. */
  config: FleetConfig;
  problems: ConfigProblem[];
  needsConfiguration: boolean;
  file: ConfigFileRead;
}

export function builtInDefaults(os: OsContext): FleetConfig {
  return {
    storeId: null,
    dataDir: defaultDataDir(os),
    logDir: defaultLogDir(os),
    logLevel: 'info',
    locale: 'en-GB',
    phoneCountry: null,
    serialScanner: null,
    printer: null,
    receipt: null,
    display: { kiosk: false, fullscreen: true, customerScreen: 'off' },
    server: { url: null, caFile: null },
    updates: { enabled: false, url: null, publisherName: null, maintenanceHours: { from: 2, to: 5 } },
    backups: { enabled: true, intervalMinutes: 60, keep: 24, dir: null },
    sync: {},
  };
}

/** Which file to read: --config, then LT_CONFIG_FILE, then the OS's machine-wide path. */
export function configFilePath(os: OsContext, flags: ParsedFlags): string {
  const flag = flags.values.get(CONFIG_FILE_FLAG);
  if (typeof flag === 'string' && flag !== '') return flag;
  return os.env[CONFIG_FILE_ENV] || machineConfigPath(os);
}

export function resolveConfig(input: {
  defaults: FleetConfig;
  file: ConfigFileRead;
  env: Record<string, string | undefined>;
  flags: ParsedFlags;
  /** The machine's OS, for the rules that differ (updates.publisherName is needed on Windows); absent: every rule applies. */
  platform?: NodeJS.Platform;
}): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  const layers: ConfigLayer[] = [];
  for (const layer of [fileLayer(input.file), envLayer(input.env), flagLayer(input.flags)]) {
    if (layer.problems.length > 0) problems.push(...layer.problems);
    else layers.push(layer.layer);
  }
  let merged: Record<string, unknown> = { ...input.defaults };
  for (const layer of layers) merged = mergeLayer(merged, layer);
  const checked = fleetConfigSchema.safeParse(merged);
  const config = checked.success ? checked.data : input.defaults;
  if (!checked.success) problems.push(...issuesToProblems(checked.error.issues, 'configuration', (p) => p));
  if (config.storeId === null)
    problems.push({
      source: 'configuration',
      field: 'storeId',
      message: `is required: set "storeId" in ${input.file.path}, LT_STORE_ID or --store-id`,
    });
  // Updates only from an https:// feed, and on Windows only installers signed by the configured publisher.
  for (const p of updateFeedProblems(config.updates, input.platform)) problems.push({ source: 'configuration', ...p });
  return { config, problems, needsConfiguration: problems.length > 0, file: input.file };
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.source}: ${p.field}: ${p.message}`;
}

interface LayerResult {
  layer: ConfigLayer;
  problems: ConfigProblem[];
}

function fileLayer(file: ConfigFileRead): LayerResult {
  if (file.status === 'missing') return { layer: {}, problems: [] };
  if (file.status === 'unreadable')
    return { layer: {}, problems: [{ source: file.path, field: '(file)', message: `cannot be read (${file.error})` }] };
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (error) {
    return { layer: {}, problems: [{ source: file.path, field: '(file)', message: `is not valid JSON (${(error as Error).message})` }] };
  }
  return checkLayer(json, file.path, (path) => path);
}

function envLayer(env: Record<string, string | undefined>): LayerResult {
  const raw: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const s of SETTINGS) {
    const text = env[s.env];
    if (text === undefined || text === '') continue;
    const value = fromText(s.kind, text);
    if (value.ok) setPath(raw, s.field, value.value);
    else problems.push({ source: 'environment', field: s.env, message: value.message });
  }
  const byField = new Map(SETTINGS.map((s) => [s.field, s.env]));
  const checked = checkLayer(raw, 'environment', (path) => byField.get(path) ?? path);
  return { layer: checked.layer, problems: [...problems, ...checked.problems] };
}

function flagLayer(flags: ParsedFlags): LayerResult {
  const raw: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const s of SETTINGS) {
    const given = flags.values.get(s.flag);
    if (given === undefined) continue;
    if (given === '') {
      problems.push({ source: 'command line', field: `--${s.flag}`, message: 'needs a value' });
      continue;
    }
    const value = typeof given === 'boolean' ? { ok: true as const, value: given } : fromText(s.kind, given);
    if (value.ok) setPath(raw, s.field, value.value);
    else problems.push({ source: 'command line', field: `--${s.flag}`, message: value.message });
  }
  const byField = new Map(SETTINGS.map((s) => [s.field, `--${s.flag}`]));
  const checked = checkLayer(raw, 'command line', (path) => byField.get(path) ?? path);
  return { layer: checked.layer, problems: [...problems, ...checked.problems] };
}

function checkLayer(json: unknown, source: string, name: (path: string) => string): LayerResult {
  const parsed = configLayerSchema.safeParse(json);
  if (parsed.success) return { layer: parsed.data, problems: [] };
  return { layer: {}, problems: issuesToProblems(parsed.error.issues, source, name) };
}

function issuesToProblems(issues: readonly z.core.$ZodIssue[], source: string, name: (path: string) => string): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        source,
        field: name(path ? `${path}.${key}` : key),
        message: 'is not a known setting (misspelt?)',
      }));
    }
    return [{ source, field: name(path) || '(file)', message: issue.message }];
  });
}

function mergeLayer(base: Record<string, unknown>, layer: ConfigLayer): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    out[key] = (CONFIG_GROUPS as readonly string[]).includes(key) ? { ...(base[key] as object), ...(value as object) } : value;
  }
  return out;
}

function setPath(target: Record<string, unknown>, field: string, value: unknown): void {
  const [group, key] = field.split('.');
  if (key === undefined) target[group!] = value;
  else target[group!] = { ...(target[group!] as object | undefined), [key]: value };
}
