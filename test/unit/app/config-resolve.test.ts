import { describe, expect, test } from 'vitest';
import { backendEnv } from '../../../main/platform-config/backend-env.ts';
import { builtInDefaults, configFilePath, resolveConfig, type ConfigFileRead } from '../../../main/platform-config/config-resolve.ts';
import { parseFlags } from '../../../main/platform-config/config-sources.ts';
import { defaultDataDir, defaultLogDir, machineConfigPath, type OsContext } from '../../../main/platform-config/os-paths.ts';

const linux: OsContext = { platform: 'linux', env: {}, home: '/home/till' };
const FILE = '/etc/loyalty-terminal/config.json';
const file = (json: unknown): ConfigFileRead => ({ path: FILE, status: 'read', text: JSON.stringify(json) });
const missing: ConfigFileRead = { path: FILE, status: 'missing' };

function resolve(options: { file?: ConfigFileRead; env?: Record<string, string>; args?: string[] } = {}) {
  return resolveConfig({
    defaults: builtInDefaults(linux),
    file: options.file ?? missing,
    env: options.env ?? {},
    flags: parseFlags(options.args ?? []),
  });
}

describe('precedence: defaults < machine file < environment < command line', () => {
  test('built-in defaults alone: usable paths, but a store id is required', () => {
    const r = resolve();
    expect(r.config.dataDir).toBe('/home/till/.local/share/loyalty-terminal');
    expect(r.config.logDir).toBe('/home/till/.local/state/loyalty-terminal/logs');
    expect(r.config.display).toEqual({ kiosk: false, fullscreen: true, customerScreen: 'off' });
    expect(r.config.updates.enabled).toBe(false);
    expect(r.needsConfiguration).toBe(true);
    expect(r.problems).toEqual([{ source: 'configuration', field: 'storeId', message: expect.stringContaining(FILE) }]);
  });

  test('the machine file overrides the defaults, group by group', () => {
    const r = resolve({ file: file({ storeId: 'store-7', display: { kiosk: true }, backups: { keep: 7 } }) });
    expect(r.problems).toEqual([]);
    expect(r.needsConfiguration).toBe(false);
    expect(r.config.storeId).toBe('store-7');
    expect(r.config.display).toEqual({ kiosk: true, fullscreen: true, customerScreen: 'off' });
    expect(r.config.backups).toMatchObject({ keep: 7, intervalMinutes: 60, enabled: true });
  });

  test('environment variables override the file', () => {
    const r = resolve({
      file: file({ storeId: 'store-7', logLevel: 'warn', display: { kiosk: true } }),
      env: { LT_STORE_ID: 'store-8', LT_KIOSK: 'false', LT_BACKUP_KEEP: '3' },
    });
    expect(r.problems).toEqual([]);
    expect(r.config).toMatchObject({ storeId: 'store-8', logLevel: 'warn', display: { kiosk: false }, backups: { keep: 3 } });
  });

  test('command-line flags override the environment', () => {
    const r = resolve({
      env: { LT_STORE_ID: 'store-8', LT_KIOSK: 'true', LT_SERVER_URL: 'https://a.example' },
      args: ['--store-id', 'store-9', '--no-kiosk', '--server=https://b.example', '--backup-keep', '2'],
    });
    expect(r.problems).toEqual([]);
    expect(r.config).toMatchObject({
      storeId: 'store-9',
      display: { kiosk: false },
      server: { url: 'https://b.example' },
      backups: { keep: 2 },
    });
  });

  test('the file path: --config, then LT_CONFIG_FILE, then the OS location', () => {
    expect(configFilePath(linux, parseFlags([]))).toBe(FILE);
    expect(configFilePath({ ...linux, env: { LT_CONFIG_FILE: '/tmp/a.json' } }, parseFlags([]))).toBe('/tmp/a.json');
    expect(configFilePath({ ...linux, env: { LT_CONFIG_FILE: '/tmp/a.json' } }, parseFlags(['--config', '/tmp/b.json']))).toBe(
      '/tmp/b.json',
    );
  });

  test('per-OS locations', () => {
    const win: OsContext = {
      platform: 'win32',
      env: { ProgramData: 'C:\\ProgramData', LOCALAPPDATA: 'C:\\Users\\till\\AppData\\Local' },
      home: 'C:\\Users\\till',
    };
    expect(machineConfigPath(win)).toBe('C:\\ProgramData\\LoyaltyTerminal\\config.json');
    expect(defaultLogDir(win)).toBe('C:\\Users\\till\\AppData\\Local\\LoyaltyTerminal\\logs');
    expect(defaultDataDir(win)).toBe('C:\\Users\\till\\AppData\\Local\\LoyaltyTerminal\\data');
    expect(defaultLogDir({ ...linux, env: { XDG_STATE_HOME: '/var/state' } })).toBe('/var/state/loyalty-terminal/logs');
    expect(machineConfigPath(linux)).toBe(FILE);
  });

  test('the backend gets the resolved settings as LT_* variables', () => {
    const r = resolve({ file: file({ storeId: 's', sync: { pushBatch: 50 }, serialScanner: { path: '/dev/ttyS0' } }) });
    const env = backendEnv(r.config, { appVersion: '1.2.3', problems: r.problems });
    expect(env).toMatchObject({
      LT_STORE_ID: 's',
      LT_DB_PATH: '/home/till/.local/share/loyalty-terminal/terminal.sqlite',
      LT_SYNC_PUSH_BATCH: '50',
      LT_SERIAL: '{"path":"/dev/ttyS0"}',
      LT_BACKUP_KEEP: '24',
      LT_APP_VERSION: '1.2.3',
    });
    expect(env.LT_NEEDS_CONFIG).toBeUndefined();
    expect(JSON.parse(backendEnv(resolve().config, { appVersion: 'x', problems: resolve().problems }).LT_NEEDS_CONFIG!)).toHaveLength(1);
  });
  test("the store's phone country: the file's phoneCountry reaches the backend; unset, the backend takes the locale's region", () => {
    const set = resolve({ file: file({ storeId: 's', locale: 'de-AT', phoneCountry: 'AT' }) });
    expect(set.problems).toEqual([]);
    expect(backendEnv(set.config, { appVersion: 'x', problems: [] })).toMatchObject({ LT_LOCALE: 'de-AT', LT_PHONE_COUNTRY: 'AT' });
    expect(backendEnv(resolve({ env: { LT_STORE_ID: 's' } }).config, { appVersion: 'x', problems: [] }).LT_PHONE_COUNTRY).toBeUndefined();
    expect(resolve({ file: file({ storeId: 's', phoneCountry: 'Germany' }) }).problems.map((p) => p.field)).toContain('phoneCountry');
  });
});

describe('every invalid configuration names the file, the field and the problem, and needs configuration', () => {
  const cases: [string, ConfigFileRead, { field: string; message: RegExp }][] = [
    ['bad JSON', { path: FILE, status: 'read', text: '{"storeId": "s",' }, { field: '(file)', message: /not valid JSON/ }],
    ['unreadable file', { path: FILE, status: 'unreadable', error: 'EACCES' }, { field: '(file)', message: /cannot be read \(EACCES\)/ }],
    ['wrong type', file({ storeId: 's', display: { kiosk: 'yes' } }), { field: 'display.kiosk', message: /boolean/ }],
    ['unknown field', file({ storeId: 's', backup: { keep: 3 } }), { field: 'backup', message: /not a known setting/ }],
    [
      'unknown nested field',
      file({ storeId: 's', updates: { urll: 'https://u.example' } }),
      { field: 'updates.urll', message: /not a known setting/ },
    ],
    ['bad URL', file({ storeId: 's', server: { url: 'ftp://server' } }), { field: 'server.url', message: /http/ }],
    ['not an address at all', file({ storeId: 's', updates: { url: 'not a url' } }), { field: 'updates.url', message: /http/ }],
    ['relative path', file({ storeId: 's', dataDir: 'data' }), { field: 'dataDir', message: /absolute/ }],
    ['not an object', { path: FILE, status: 'read', text: '[1, 2]' }, { field: '(file)', message: /object/ }],
    ['out of range', file({ storeId: 's', backups: { keep: 0 } }), { field: 'backups.keep', message: /1/ }],
  ];
  test.each(cases)('%s', (_name, read, expected) => {
    const r = resolve({ file: read, env: { LT_STORE_ID: 'from-env' } });
    expect(r.needsConfiguration).toBe(true);
    expect(r.problems).toContainEqual({ source: FILE, field: expected.field, message: expect.stringMatching(expected.message) });
    // The invalid file is left out whole; the other layers still apply (logs keep a usable folder).
    expect(r.config.storeId).toBe('from-env');
    expect(r.config.dataDir).toBe('/home/till/.local/share/loyalty-terminal');
  });

  test('a missing file is not a problem (defaults, env and flags can configure a terminal)', () => {
    expect(resolve({ args: ['--store-id', 's'] }).problems).toEqual([]);
  });

  test('bad environment values name the variable', () => {
    const r = resolve({ env: { LT_STORE_ID: 's', LT_KIOSK: 'maybe', LT_BACKUP_KEEP: 'many', LT_UPDATE_URL: 'nope' } });
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { source: 'environment', field: 'LT_KIOSK', message: expect.stringContaining('true or false') },
        { source: 'environment', field: 'LT_BACKUP_KEEP', message: expect.stringMatching(/number/) },
        { source: 'environment', field: 'LT_UPDATE_URL', message: expect.stringMatching(/http/) },
      ]),
    );
    expect(r.config.storeId).toBeNull();
  });

  test('bad LT_SERIAL JSON names the variable', () => {
    expect(resolve({ env: { LT_STORE_ID: 's', LT_SERIAL: '{path' } }).problems).toContainEqual({
      source: 'environment',
      field: 'LT_SERIAL',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  test('bad flags name the flag', () => {
    const r = resolve({ args: ['--store-id', 's', '--log-level', 'loud', '--data-dir'] });
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { source: 'command line', field: '--log-level', message: expect.any(String) },
        { source: 'command line', field: '--data-dir', message: 'needs a value' },
      ]),
    );
  });

  test('updates on without a feed address (or, with no platform given, a publisher)', () => {
    const r = resolve({ args: ['--store-id', 's', '--updates'] });
    expect(r.problems).toEqual([
      { source: 'configuration', field: 'updates.url', message: expect.stringContaining('required') },
      { source: 'configuration', field: 'updates.publisherName', message: expect.stringContaining('required') },
    ]);
  });

  test('flags that are not settings (Chromium switches, commands) are set aside, not applied', () => {
    const flags = parseFlags(['--store-id', 's', '--enable-logging', '--pair', 'ABC'], new Set(['pair']));
    expect(flags.other.get('enable-logging')).toBe(true);
    expect(flags.other.get('pair')).toBe('ABC');
    expect(flags.values.get('store-id')).toBe('s');
  });
});
