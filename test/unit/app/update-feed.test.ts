/**
 * Automatic updates only from an https:// feed, and on Windows only installers
 * signed by the configured publisher: the configuration that breaks this is
 * refused with the field and the reason the IT person reads, and the updater's
 * own configuration file carries the publisher electron-updater checks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { silentLogger } from '../../../main/backend/platform/logging.ts';
import { updaterConfigYaml } from '../../../main/app/update-policy.ts';
import { startUpdates, type UpdaterLike } from '../../../main/app/updates.ts';
import { builtInDefaults, resolveConfig } from '../../../main/platform-config/config-resolve.ts';
import { parseFlags } from '../../../main/platform-config/config-sources.ts';
import { updateFeedProblems } from '../../../main/platform-config/update-feed.ts';

const on = { enabled: true, url: 'https://updates.example.com/loyalty-terminal/', publisherName: 'Example Retail GmbH' };

describe('the feed policy (pure)', () => {
  test('off: nothing is required', () => {
    expect(updateFeedProblems({ enabled: false, url: 'http://x', publisherName: null })).toEqual([]);
  });

  test('an https:// feed and a publisher: fine on every platform', () => {
    for (const platform of ['win32', 'linux', undefined] as const) expect(updateFeedProblems(on, platform)).toEqual([]);
  });

  test('a plain http:// feed is refused, saying why', () => {
    const problems = updateFeedProblems({ ...on, url: 'http://updates.example.com/feed/' }, 'linux');
    expect(problems).toEqual([{ field: 'updates.url', message: expect.stringMatching(/https:\/\/.*installer of their own/) }]);
  });

  test('Windows needs the publisher of the installers’ signing certificate; Linux (AppImage: checksum over https) does not', () => {
    const without = { ...on, publisherName: null };
    expect(updateFeedProblems(without, 'win32')).toEqual([
      { field: 'updates.publisherName', message: expect.stringContaining('certificate the installers are signed with') },
    ]);
    expect(updateFeedProblems({ ...on, publisherName: '   ' }, 'win32')).toHaveLength(1);
    expect(updateFeedProblems(without, 'linux')).toEqual([]);
    expect(updateFeedProblems(without, undefined)).toHaveLength(1); // platform unknown: every rule
  });
});

describe('the configuration refuses it, naming the field', () => {
  const resolve = (platform: NodeJS.Platform, args: string[]) =>
    resolveConfig({
      defaults: builtInDefaults({ platform, env: {}, home: platform === 'win32' ? 'C:\\Users\\till' : '/home/till' }),
      file: { path: '/etc/loyalty-terminal/config.json', status: 'missing' },
      env: {},
      flags: parseFlags(['--store-id', 's', '--updates', ...args]),
      platform,
    });

  test('http:// feed on Linux', () => {
    const r = resolve('linux', ['--update-url', 'http://updates.example.com/feed/']);
    expect(r.needsConfiguration).toBe(true);
    expect(r.problems).toEqual([{ source: 'configuration', field: 'updates.url', message: expect.stringContaining('https://') }]);
  });

  test('no publisher on Windows; given one (LT_UPDATE_PUBLISHER / --update-publisher), fine', () => {
    const r = resolve('win32', ['--update-url', on.url]);
    expect(r.problems).toEqual([{ source: 'configuration', field: 'updates.publisherName', message: expect.any(String) }]);
    const ok = resolve('win32', ['--update-url', on.url, '--update-publisher', on.publisherName]);
    expect(ok.problems).toEqual([]);
    expect(ok.config.updates.publisherName).toBe(on.publisherName);
  });
});

describe('the updater is set up from the configuration', () => {
  const recording = () => {
    const calls: string[] = [];
    const updater: UpdaterLike = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      logger: undefined,
      updateConfigPath: null,
      setFeedURL: (o) => calls.push(`feed ${o.url}`),
      checkForUpdates: () => {
        calls.push('check');
        return Promise.resolve(null);
      },
      quitAndInstall: () => calls.push('install'),
      on: () => undefined,
    };
    return { updater, calls };
  };
  const base = { idleSeconds: () => 0, now: () => new Date(), log: silentLogger };

  test('app-update.yml names the feed and the publisher electron-updater verifies the installer against', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-update-'));
    try {
      const { updater, calls } = recording();
      const configFile = join(dir, 'app-update.yml');
      const running = startUpdates({
        ...base,
        updater,
        config: { ...on, maintenanceHours: { from: 2, to: 5 } },
        configFile,
        platform: 'win32',
      });
      running?.stop();
      expect(running).not.toBeNull();
      expect(updater.updateConfigPath).toBe(configFile);
      expect(load(readFileSync(configFile, 'utf8'))).toEqual({
        provider: 'generic',
        url: on.url,
        publisherName: [on.publisherName],
        updaterCacheDirName: 'loyalty-terminal-updater',
      });
      expect(calls).toEqual([`feed ${on.url}`, 'check']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a feed that breaks the policy is never set, even if a caller skipped the configuration check', () => {
    const { updater, calls } = recording();
    const running = startUpdates({
      ...base,
      updater,
      config: { ...on, url: 'http://updates.example.com/', maintenanceHours: { from: 2, to: 5 } },
      configFile: '/nonexistent/app-update.yml',
      platform: 'linux',
    });
    expect(running).toBeNull();
    expect(calls).toEqual([]);
  });

  test('names with quotes or colons stay one YAML string', () => {
    expect(load(updaterConfigYaml({ url: 'https://u.example/a: b', publisherName: 'O\'Brien: "Retail" Ltd' }))).toMatchObject({
      url: 'https://u.example/a: b',
      publisherName: ['O\'Brien: "Retail" Ltd'],
    });
  });
});
