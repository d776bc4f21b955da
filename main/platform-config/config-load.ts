import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { builtInDefaults, configFilePath, resolveConfig, type ConfigFileRead, type ResolvedConfig } from './config-resolve.ts';
import { parseFlags } from './config-sources.ts';
import type { OsContext } from './os-paths.ts';

/** The I/O around the pure resolver: this machine's OS, its file, its environment and argv. */
export function readConfigFile(path: string): ConfigFileRead {
  try {
    return { path, status: 'read', text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, status: 'missing' };
    return { path, status: 'unreadable', error: code ?? (error as Error).message };
  }
}

export function currentOs(env: Record<string, string | undefined> = process.env): OsContext {
  return { platform: process.platform, env, home: homedir() };
}

export function loadConfig(
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
  valueFlags?: ReadonlySet<string>,
): ResolvedConfig {
  const os = currentOs(env);
  const flags = parseFlags(args, valueFlags);
  return resolveConfig({
    defaults: builtInDefaults(os),
    file: readConfigFile(configFilePath(os, flags)),
    env,
    flags,
    platform: os.platform,
  });
}
