/**
 * Which server addresses a terminal talks to. Its requests carry the device's
 * signature, members' names and phone numbers, and points that are money: on
 * plain http:// anyone on the shop's network reads them and can answer in the
 * server's place. So a terminal speaks https:// to any server, and plain
 * http:// only to this machine itself (127.0.0.0/8, ::1, localhost: a demo, a
 * test, or a local TLS proxy), unless IT explicitly allows it
 * (`sync.allowInsecureHttp`), which is then logged loudly at every start of sync.
 * Pure.
 */
import { AppError } from '../../../shared/errors.ts';
import { isLoopbackHost } from '../../../shared/loopback-host.ts';

export type TransportVerdict =
  /** https://, or http:// to this machine. */
  | { kind: 'secure' }
  /** http:// to another machine, allowed by sync.allowInsecureHttp: works, with a loud warning. */
  | { kind: 'insecure-allowed' }
  /** http:// to another machine, not allowed: nothing is sent. */
  | { kind: 'refused' }
  /** Not an http(s) address at all. */
  | { kind: 'invalid' };

export function transportVerdict(serverUrl: string, allowInsecureHttp: boolean): TransportVerdict {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return { kind: 'invalid' };
  }
  if (url.protocol === 'https:') return { kind: 'secure' };
  if (url.protocol !== 'http:') return { kind: 'invalid' };
  if (isLoopbackHost(url.hostname)) return { kind: 'secure' };
  return allowInsecureHttp ? { kind: 'insecure-allowed' } : { kind: 'refused' };
}

/** The address as it may be logged: scheme, host and port only (never a user, password, path or query). */
export function loggableOrigin(serverUrl: string): string {
  try {
    return new URL(serverUrl).origin;
  } catch {
    return '(not an address)';
  }
}

export const INSECURE_REFUSAL =
  'plain http:// to a server that is not this machine is refused: use the server’s https:// address ' +
  '(or set sync.allowInsecureHttp to true in the terminal’s configuration, on a network you trust)';

/** Throws the typed error the screens translate when the address may not be used. */
export function requireAllowedServerUrl(serverUrl: string, allowInsecureHttp: boolean): void {
  const verdict = transportVerdict(serverUrl, allowInsecureHttp);
  if (verdict.kind === 'refused')
    throw new AppError('INSECURE_SERVER_URL', `The server address ${loggableOrigin(serverUrl)} is refused: ${INSECURE_REFUSAL}.`, {
      origin: loggableOrigin(serverUrl),
      setting: 'sync.allowInsecureHttp',
    });
  if (verdict.kind === 'invalid')
    throw new AppError('VALIDATION', 'The server address must be an https:// address.', { field: 'serverUrl' });
}
