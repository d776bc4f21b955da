import { join, win32 } from 'node:path';

/**
 * Where a terminal keeps its files on each OS. Pure: the platform, the
 * environment and the home folder are arguments, so every OS is testable here.
 */
export interface OsContext {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
}

/** The machine-wide configuration file IT deploys (one per terminal, managed by their tools). */
export function machineConfigPath(os: OsContext): string {
  if (os.platform === 'win32') return win32.join(os.env.ProgramData ?? 'C:\\ProgramData', 'LoyaltyTerminal', 'config.json');
  if (os.platform === 'darwin') return '/Library/Application Support/LoyaltyTerminal/config.json';
  return '/etc/loyalty-terminal/config.json';
}

/** The database, its device key and backups: per user (the kiosk account), never in the install folder. */
export function defaultDataDir(os: OsContext): string {
  if (os.platform === 'win32') return win32.join(localAppData(os), 'LoyaltyTerminal', 'data');
  if (os.platform === 'darwin') return join(os.home, 'Library', 'Application Support', 'LoyaltyTerminal');
  return join(os.env.XDG_DATA_HOME || join(os.home, '.local', 'share'), 'loyalty-terminal');
}

/** Logs: the XDG state folder on Linux, LOCALAPPDATA on Windows, ~/Library/Logs on macOS. */
export function defaultLogDir(os: OsContext): string {
  if (os.platform === 'win32') return win32.join(localAppData(os), 'LoyaltyTerminal', 'logs');
  if (os.platform === 'darwin') return join(os.home, 'Library', 'Logs', 'LoyaltyTerminal');
  return join(os.env.XDG_STATE_HOME || join(os.home, '.local', 'state'), 'loyalty-terminal', 'logs');
}

function localAppData(os: OsContext): string {
  return os.env.LOCALAPPDATA ?? win32.join(os.home, 'AppData', 'Local');
}
