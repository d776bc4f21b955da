import { writeFileSync } from 'node:fs';
import type { Logger } from '../backend/platform/logging.ts';
import type { FleetConfig } from '../platform-config/fleet-config-schema.ts';
import { updateFeedProblems } from '../platform-config/update-feed.ts';
import { updateAction, updaterConfigYaml } from './update-policy.ts';

/**
 * electron-updater against the self-hosted generic feed from the configuration
 * (AppImage and NSIS; deb fleets set updates.enabled = false and use their
 * package manager). Downloads in the background, installs on quit, and
 * restarts sooner only when update-policy.ts says the terminal is idle at night.
 * Only from an https:// feed, and on Windows only an installer signed by the
 * configured publisher: the updater's configuration file (app-update.yml) is
 * written from the fleet configuration, so electron-updater's
 * verifyUpdateCodeSignature checks the installer against updates.publisherName
 * (update-feed.ts; a configuration without them never gets here).
 */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: unknown;
  /** Where electron-updater reads its app-update.yml (the publisher names it checks the installer's signature against). */
  updateConfigPath: string | null;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded' | 'error', listener: (arg: unknown) => void): unknown;
}

const CHECK_EVERY_MS = 4 * 60 * 60_000;
const DECIDE_EVERY_MS = 60_000;

export function startUpdates(deps: {
  updater: UpdaterLike;
  config: FleetConfig['updates'];
  idleSeconds: () => number;
  now: () => Date;
  log: Logger;
  /** Where to write the updater's app-update.yml (in the terminal's data folder). */
  configFile: string;
  platform: NodeJS.Platform;
}): { stop(): void } | null {
  const { updater, config, log } = deps;
  if (!config.enabled || config.url === null) return null;
  const problems = updateFeedProblems(config, deps.platform);
  if (problems.length > 0) {
    // resolveConfig refuses these first; this is the last line, should a caller skip it.
    log.log('error', 'update.refused', { fields: problems.map((p) => p.field) });
    return null;
  }
  writeFileSync(deps.configFile, updaterConfigYaml({ url: config.url, publisherName: config.publisherName }), { mode: 0o644 });
  updater.updateConfigPath = deps.configFile;
  updater.setFeedURL({ provider: 'generic', url: config.url });
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.logger = null;
  let downloaded = false;
  updater.on('update-downloaded', () => {
    downloaded = true;
    log.log('info', 'update.downloaded', {});
  });
  updater.on('error', (error) => log.log('warn', 'update.error', { error: error instanceof Error ? error.message : String(error) }));
  const check = () =>
    void updater.checkForUpdates().catch((error: unknown) => log.log('warn', 'update.check_failed', { error: String(error) }));
  check();
  const checkTimer = setInterval(check, CHECK_EVERY_MS);
  const decideTimer = setInterval(() => {
    const action = updateAction({
      downloaded,
      idleSeconds: deps.idleSeconds(),
      localHour: deps.now().getHours(),
      maintenanceHours: config.maintenanceHours,
    });
    if (action === 'install-now') {
      log.log('info', 'update.installing', {});
      // Quits through the normal path: before-quit drains the backend first.
      updater.quitAndInstall(true, true);
    }
  }, DECIDE_EVERY_MS);
  return {
    stop() {
      clearInterval(checkTimer);
      clearInterval(decideTimer);
    },
  };
}
