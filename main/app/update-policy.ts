/**
 * When a downloaded update may restart the terminal. Never mid-sale: the
 * default is to install when the app quits (end of day, reboot). A restart
 * sooner happens only inside the configured night hours AND after the
 * terminal has had no input at all (touch, keyboard, wedge scanner) for
 * `minIdleSeconds` — longer than the staff session's idle sign-out (5 min),
 * so no one is signed in and no basket is open.
 */
export interface UpdateState {
  downloaded: boolean;
  idleSeconds: number;
  localHour: number;
  maintenanceHours: { from: number; to: number };
  minIdleSeconds?: number;
}

export const DEFAULT_MIN_IDLE_SECONDS = 15 * 60;

/** The updater's own configuration file (app-update.yml), written from the fleet configuration so the publisher checked is the configured one. */
export function updaterConfigYaml(updates: { url: string; publisherName: string | null }): string {
  const quote = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML scalar
  return [
    'provider: generic',
    `url: ${quote(updates.url)}`,
    ...(updates.publisherName === null ? [] : ['publisherName:', `  - ${quote(updates.publisherName)}`]),
    'updaterCacheDirName: loyalty-terminal-updater',
    '',
  ].join('\n');
}

export function withinHours(hour: number, window: { from: number; to: number }): boolean {
  if (window.from === window.to) return false;
  // A window may wrap midnight (22 → 4).
  return window.from < window.to ? hour >= window.from && hour < window.to : hour >= window.from || hour < window.to;
}

export function updateAction(state: UpdateState): 'wait' | 'install-now' {
  if (!state.downloaded) return 'wait';
  if (state.idleSeconds < (state.minIdleSeconds ?? DEFAULT_MIN_IDLE_SECONDS)) return 'wait';
  return withinHours(state.localHour, state.maintenanceHours) ? 'install-now' : 'wait';
}
