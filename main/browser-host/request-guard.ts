import { timingSafeEqual } from 'node:crypto';

/**
 * Who may talk to the browser host: pages it served itself, on loopback, that
 * know this launch's secret. Host checks stop DNS rebinding (a web page whose
 * name resolves to 127.0.0.1); Origin checks stop other local pages; the token
 * stops other local programs that can open a socket.
 */
export const API_PROTOCOL = 'loyalty-terminal.v1';
export const TOKEN_PROTOCOL_PREFIX = 'token.';

export type Refusal = { status: 400 | 401 | 403; reason: string };

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function checkHost(host: string | undefined, port: number): Refusal | null {
  return host !== undefined && allowedHosts(port).has(host.toLowerCase()) ? null : { status: 403, reason: 'unexpected Host header' };
}

export function checkOrigin(origin: string | undefined, port: number): Refusal | null {
  if (origin === undefined) return { status: 403, reason: 'no Origin' };
  const allowed = [...allowedHosts(port)].map((h) => `http://${h}`);
  return allowed.includes(origin.toLowerCase()) ? null : { status: 403, reason: 'foreign Origin' };
}

/** The token travels as a WebSocket subprotocol, so it never appears in a URL or a server log line. */
export function checkToken(protocolHeader: string | undefined, token: string): Refusal | null {
  const offered = (protocolHeader ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(API_PROTOCOL)) return { status: 400, reason: 'missing API protocol' };
  const presented = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
  if (presented === undefined) return { status: 401, reason: 'no token' };
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b) ? null : { status: 401, reason: 'wrong token' };
}
