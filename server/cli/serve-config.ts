/**
 * How `npm run server` serves: address, TLS, the reverse proxy it trusts, and
 * the abuse limits. Each setting is a command-line flag or an environment
 * variable (the flag wins); every one has a default. Pure: the parsed flags
 * and the environment are arguments. See docs/operations.md, "Central server".
 */
import { isLoopbackHost } from '../../shared/loopback-host.ts';
import type { AbuseLimits } from '../http/abuse-limits.ts';
import { DEFAULT_HOST, DEFAULT_PORT, type StartOptions } from '../server.ts';
import { parseDuration, parsePort, stringFlag, UsageError, type ParsedArgs } from './args.ts';

export type ServeConfig = Required<Pick<StartOptions, 'port' | 'host'>> & Pick<StartOptions, 'tls' | 'trustProxy' | 'limits'>;

interface Setting {
  flag: string;
  env: string;
  help: string;
}

const TLS_CERT: Setting = { flag: 'tls-cert', env: 'LOYALTY_TLS_CERT', help: 'PEM certificate chain: serve HTTPS' };
const TLS_KEY: Setting = { flag: 'tls-key', env: 'LOYALTY_TLS_KEY', help: 'PEM private key of --tls-cert' };
const TRUST_PROXY: Setting = {
  flag: 'trust-proxy',
  env: 'LOYALTY_TRUST_PROXY',
  help: "the reverse proxy's addresses or CIDRs, comma-separated (e.g. 127.0.0.1): per-address limits then count X-Forwarded-For",
};

/** The limits' settings: a count, or a duration ("90s", "2m", plain ms). */
const LIMITS: readonly (Setting & { key: keyof AbuseLimits; kind: 'count' | 'duration' })[] = [
  { key: 'windowMs', kind: 'duration', flag: 'rate-window', env: 'LOYALTY_RATE_WINDOW', help: 'the window the rates count in (1m)' },
  {
    key: 'perAddress',
    kind: 'count',
    flag: 'rate-per-address',
    env: 'LOYALTY_RATE_PER_ADDRESS',
    help: 'requests per window from one address (6000)',
  },
  {
    key: 'pairPerAddress',
    kind: 'count',
    flag: 'rate-pair',
    env: 'LOYALTY_RATE_PAIR',
    help: 'pairing attempts per window from one address (10)',
  },
  {
    key: 'perTerminal',
    kind: 'count',
    flag: 'rate-per-terminal',
    env: 'LOYALTY_RATE_PER_TERMINAL',
    help: 'signed requests per window from one terminal (3000)',
  },
  {
    key: 'searchPerTerminal',
    kind: 'count',
    flag: 'rate-search',
    env: 'LOYALTY_RATE_SEARCH',
    help: 'online member searches per window from one terminal (30)',
  },
  {
    key: 'historyPerTerminal',
    kind: 'count',
    flag: 'rate-history',
    env: 'LOYALTY_RATE_HISTORY',
    help: 'member history reads per window from one terminal (60)',
  },
  {
    key: 'requestTimeoutMs',
    kind: 'duration',
    flag: 'request-timeout',
    env: 'LOYALTY_REQUEST_TIMEOUT',
    help: 'a request must arrive whole within (60s)',
  },
  {
    key: 'connectionTimeoutMs',
    kind: 'duration',
    flag: 'connection-timeout',
    env: 'LOYALTY_CONNECTION_TIMEOUT',
    help: 'a silent connection is closed after (120s)',
  },
  {
    key: 'keepAliveTimeoutMs',
    kind: 'duration',
    flag: 'keep-alive-timeout',
    env: 'LOYALTY_KEEP_ALIVE_TIMEOUT',
    help: 'an idle keep-alive connection is closed after (72s)',
  },
];

/** The serve settings' lines for `npm run server -- help`. */
export function serveUsage(): string[] {
  return [TLS_CERT, TLS_KEY, TRUST_PROXY, ...LIMITS].map((s) => `         --${s.flag} (${s.env})`.padEnd(60) + s.help);
}

export function serveConfig(args: ParsedArgs, env: Record<string, string | undefined>): ServeConfig {
  const value = (s: Setting): string | undefined => {
    const v = stringFlag(args, s.flag) ?? env[s.env];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const config: ServeConfig = {
    port: parsePort(stringFlag(args, 'port') ?? String(DEFAULT_PORT)),
    host: stringFlag(args, 'host') ?? DEFAULT_HOST,
  };
  const cert = value(TLS_CERT);
  const key = value(TLS_KEY);
  if ((cert === undefined) !== (key === undefined))
    throw new UsageError(`HTTPS needs both --${TLS_CERT.flag} and --${TLS_KEY.flag} (or ${TLS_CERT.env} and ${TLS_KEY.env}).`);
  if (cert !== undefined && key !== undefined) config.tls = { certFile: cert, keyFile: key };
  const proxy = value(TRUST_PROXY);
  if (proxy !== undefined) {
    const list = proxy
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (list.some((p) => !/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(p) && !['loopback', 'linklocal', 'uniquelocal'].includes(p)))
      throw new UsageError(
        `--${TRUST_PROXY.flag} takes the proxy's IP addresses or CIDRs, comma-separated (got "${proxy}"); "true" (trust anyone) is refused: anyone could then choose their own address.`,
      );
    config.trustProxy = list;
  }
  const limits: Partial<AbuseLimits> = {};
  for (const s of LIMITS) {
    const text = value(s);
    if (text === undefined) continue;
    if (s.kind === 'duration') limits[s.key] = parseDuration(text, `--${s.flag}`);
    else {
      const n = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n <= 0)
        throw new UsageError(`--${s.flag} must be a positive whole number (got "${text}").`);
      limits[s.key] = n;
    }
  }
  if (Object.keys(limits).length > 0) config.limits = limits;
  return config;
}

/** Said once at start: plain HTTP on an address other hosts can reach carries credentials and personal data in clear. */
export function plainHttpWarning(config: ServeConfig): string | null {
  if (config.tls !== undefined || isLoopbackHost(config.host)) return null;
  return (
    `WARNING: serving plain HTTP on ${config.host}, which other machines can reach. Terminals refuse a non-loopback http:// server ` +
    `unless set to allow it. Give --tls-cert and --tls-key, or bind to 127.0.0.1 behind a TLS reverse proxy (see docs/operations.md).`
  );
}
