/**
 * Which server addresses a terminal uses: https:// anywhere; plain http://
 * only to this machine (127.0.0.0/8, ::1, localhost), or to another machine
 * when sync.allowInsecureHttp says so. A refusal is a typed error the screens
 * translate, naming the address without its user, password, path or query.
 */
import { describe, expect, test } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { isLoopbackHost } from '../../../shared/loopback-host.ts';
import { classifyFailure, SyncFailure } from '../../../main/backend/sync/failure.ts';
import { loggableOrigin, requireAllowedServerUrl, transportVerdict } from '../../../main/backend/sync/transport-policy.ts';
import { backendConfigFromEnv, syncSettingsFromConfig } from '../../../main/backend/platform/backend-config.ts';
import { backendEnv } from '../../../main/platform-config/backend-env.ts';
import { builtInDefaults, resolveConfig } from '../../../main/platform-config/config-resolve.ts';
import { parseFlags } from '../../../main/platform-config/config-sources.ts';

describe('loopback', () => {
  test.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '::1',
    '[::1]',
    'localhost',
    'LOCALHOST',
    'till.localhost',
    '::ffff:127.0.0.1',
    '[::ffff:7f00:1]',
  ])('%s is this machine', (host) => expect(isLoopbackHost(host)).toBe(true));
  test.each([
    '10.0.0.5',
    '128.0.0.1',
    '0.0.0.0',
    '127.0.0.256',
    '127.example.com',
    'localhost.example.com',
    '::2',
    '192.168.1.10',
    'loyalty.shop',
  ])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('verdict', () => {
  test('https:// is fine anywhere; http:// on loopback too', () => {
    expect(transportVerdict('https://loyalty.example.com', false).kind).toBe('secure');
    expect(transportVerdict('https://10.0.0.5:8443/loyalty', false).kind).toBe('secure');
    expect(transportVerdict('http://127.0.0.1:8787', false).kind).toBe('secure');
    expect(transportVerdict('http://[::1]:8787', false).kind).toBe('secure');
    expect(transportVerdict('http://localhost:8787', false).kind).toBe('secure');
  });

  test('http:// to another machine is refused, unless allowed (then flagged as insecure)', () => {
    for (const url of ['http://10.0.0.5:8787', 'http://loyalty.example.com', 'http://0.0.0.0:8787', 'http://[fe80::1]:8787']) {
      expect(transportVerdict(url, false).kind, url).toBe('refused');
      expect(transportVerdict(url, true).kind, url).toBe('insecure-allowed');
    }
    expect(transportVerdict('ftp://10.0.0.5', true).kind).toBe('invalid');
    expect(transportVerdict('not a url', true).kind).toBe('invalid');
  });

  test('the refusal is INSECURE_SERVER_URL and names the origin only', () => {
    const url = 'http://admin:hunter2@10.0.0.5:8787/loyalty?token=abc';
    let caught: unknown;
    try {
      requireAllowedServerUrl(url, false);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const err = caught as AppError;
    expect(err.code).toBe('INSECURE_SERVER_URL');
    expect(err.details).toEqual({ origin: 'http://10.0.0.5:8787', setting: 'sync.allowInsecureHttp' });
    expect(JSON.stringify(err.toPayload())).not.toMatch(/hunter2|token=abc|admin/);
    expect(() => requireAllowedServerUrl(url, true)).not.toThrow();
    expect(() => requireAllowedServerUrl('https://10.0.0.5', false)).not.toThrow();
    expect(loggableOrigin(url)).toBe('http://10.0.0.5:8787');
  });

  test('a client refusal is an operator’s problem: no hot retry', () => {
    expect(classifyFailure(new SyncFailure('insecure', 'refused'))).toMatchObject({ retry: 'slow', state: 'error' });
  });
});

describe('the setting, from the fleet configuration to the sync engine', () => {
  const linux = { platform: 'linux' as const, env: {}, home: '/home/till' };
  const settingsFrom = (args: string[], env: Record<string, string> = {}) => {
    const resolved = resolveConfig({
      defaults: builtInDefaults(linux),
      file: { path: '/etc/loyalty-terminal/config.json', status: 'missing' },
      env,
      flags: parseFlags(['--store-id', 's', ...args]),
      platform: 'linux',
    });
    expect(resolved.problems).toEqual([]);
    return syncSettingsFromConfig(backendConfigFromEnv(backendEnv(resolved.config, { appVersion: 'test', problems: [] })));
  };

  test('off unless set; the flag, --no- flag and LT_SYNC_ALLOW_INSECURE_HTTP reach the engine', () => {
    expect(settingsFrom([]).allowInsecureHttp).toBe(false);
    expect(settingsFrom(['--sync-allow-insecure-http']).allowInsecureHttp).toBe(true);
    expect(settingsFrom(['--no-sync-allow-insecure-http'], { LT_SYNC_ALLOW_INSECURE_HTTP: 'true' }).allowInsecureHttp).toBe(false);
    expect(settingsFrom([], { LT_SYNC_ALLOW_INSECURE_HTTP: 'yes' }).allowInsecureHttp).toBe(true);
  });
});
