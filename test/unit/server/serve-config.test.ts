/**
 * How `npm run server` reads its serving settings: TLS files, the trusted
 * proxy and the abuse limits, from flags over LOYALTY_* variables over the
 * defaults; a mistaken value is refused with the flag named.
 */
import { describe, expect, test } from 'vitest';
import { parseArgs, UsageError } from '../../../server/cli/args.ts';
import { plainHttpWarning, serveConfig } from '../../../server/cli/serve-config.ts';
import { abuseLimits, DEFAULT_ABUSE_LIMITS, timeoutOptions } from '../../../server/http/abuse-limits.ts';

const config = (argv: string[], env: Record<string, string> = {}) => serveConfig(parseArgs(argv), env);

describe('serve settings', () => {
  test('defaults: loopback, plain HTTP, no proxy, default limits', () => {
    expect(config([])).toEqual({ port: 8787, host: '127.0.0.1' });
    expect(plainHttpWarning(config([]))).toBeNull();
  });

  test('HTTPS from both files, by flag or variable; one without the other is refused', () => {
    expect(config(['--tls-cert', '/etc/l/c.pem', '--tls-key', '/etc/l/k.pem']).tls).toEqual({
      certFile: '/etc/l/c.pem',
      keyFile: '/etc/l/k.pem',
    });
    expect(config([], { LOYALTY_TLS_CERT: '/a.pem', LOYALTY_TLS_KEY: '/b.pem' }).tls).toEqual({ certFile: '/a.pem', keyFile: '/b.pem' });
    expect(config(['--tls-cert', '/flag.pem'], { LOYALTY_TLS_CERT: '/env.pem', LOYALTY_TLS_KEY: '/b.pem' }).tls?.certFile).toBe(
      '/flag.pem',
    );
    expect(() => config(['--tls-cert', '/c.pem'])).toThrow(UsageError);
    expect(() => config([], { LOYALTY_TLS_KEY: '/k.pem' })).toThrow(/both --tls-cert and --tls-key/);
  });

  test('a trusted proxy is a list of addresses or CIDRs; "true" (anyone) is refused', () => {
    expect(config(['--trust-proxy', '127.0.0.1, 10.0.0.0/8']).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(config([], { LOYALTY_TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
    expect(() => config(['--trust-proxy', 'true'])).toThrow(/refused/);
    expect(() => config(['--trust-proxy', 'proxy.example.com'])).toThrow(UsageError);
  });

  test('limits: counts and durations, named when wrong', () => {
    expect(
      config(['--rate-pair', '5', '--rate-window', '30s', '--request-timeout', '2m'], { LOYALTY_RATE_PER_TERMINAL: '100' }).limits,
    ).toEqual({
      pairPerAddress: 5,
      windowMs: 30_000,
      requestTimeoutMs: 120_000,
      perTerminal: 100,
    });
    expect(() => config(['--rate-per-address', '0'])).toThrow(/--rate-per-address must be a positive whole number/);
    expect(() => config(['--rate-per-address', '1e3'])).toThrow(UsageError);
    expect(() => config(['--request-timeout', 'soon'])).toThrow(/--request-timeout/);
  });

  test('plain HTTP on an address other machines reach is warned about; with TLS or on loopback it is not', () => {
    expect(plainHttpWarning(config(['--host', '0.0.0.0']))).toMatch(/WARNING: serving plain HTTP on 0\.0\.0\.0/);
    expect(plainHttpWarning(config(['--host', '0.0.0.0', '--tls-cert', '/c', '--tls-key', '/k']))).toBeNull();
    expect(plainHttpWarning(config(['--host', '::1']))).toBeNull();
  });
});

describe('limits', () => {
  test('given settings over the defaults; a setting that is not a positive whole number is refused', () => {
    expect(abuseLimits()).toEqual(DEFAULT_ABUSE_LIMITS);
    expect(abuseLimits({ perTerminal: 7 })).toEqual({ ...DEFAULT_ABUSE_LIMITS, perTerminal: 7 });
    expect(() => abuseLimits({ perAddress: 0 })).toThrow(RangeError);
    expect(() => abuseLimits({ windowMs: 1.5 })).toThrow(RangeError);
  });

  test('the defaults leave room for a till draining a 100,000-event backlog (200 pushes of 500, a few hundred pull pages) in a minute', () => {
    expect(DEFAULT_ABUSE_LIMITS.windowMs).toBe(60_000);
    expect(DEFAULT_ABUSE_LIMITS.perTerminal).toBeGreaterThanOrEqual(200 + 400);
    expect(DEFAULT_ABUSE_LIMITS.perAddress).toBeGreaterThan(DEFAULT_ABUSE_LIMITS.perTerminal);
    expect(DEFAULT_ABUSE_LIMITS.pairPerAddress).toBeLessThanOrEqual(10);
  });

  test('node applies the request timeout only when the headers timeout is not longer; it checks often enough', () => {
    const t = timeoutOptions(abuseLimits({ requestTimeoutMs: 1_000 }));
    expect(t.node).toEqual({ requestTimeout: 1_000, headersTimeout: 1_000, connectionsCheckingInterval: 250 });
    const d = timeoutOptions(DEFAULT_ABUSE_LIMITS);
    expect(d).toMatchObject({ requestTimeout: 60_000, connectionTimeout: 120_000, keepAliveTimeout: 72_000 });
    expect(d.node.headersTimeout).toBeLessThanOrEqual(d.node.requestTimeout);
    for (const v of [d.requestTimeout, d.connectionTimeout, d.keepAliveTimeout]) expect(v).toBeGreaterThan(0);
  });
});
