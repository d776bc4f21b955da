/**
 * Request signing for the sync protocol, with WebCrypto only (globalThis.crypto),
 * so this file typechecks in both the Node and the web configuration; in
 * practice the terminal's backend signs and the server verifies.
 *
 *   Authorization: LT1-HMAC-SHA256 terminal=<id>, ts=<ms>, nonce=<random>, sig=<base64url>
 *
 *   sig = base64url(HMAC-SHA256(key, METHOD "\n" pathWithQuery "\n" ts "\n" nonce "\n" sha256hex(body)))
 *   key = SHA-256(secret bytes)   (secret = the base64url string from /v1/pair, decoded)
 *
 * Why SHA-256(secret) as the key: the server must hold the HMAC key to verify,
 * and holding only this derivation means a copy of its database does not reveal
 * the secret the terminal was given. (The key still lets one sign as the
 * terminal, so the server treats that column like a password hash: never logged,
 * never returned.)
 *
 * `pathWithQuery` is the request target exactly as sent (`/v1/changes?cursor=x&limit=5`);
 * `body` is the exact bytes sent (empty for GET). `ts` must be within ±5 minutes of
 * the server's clock and a nonce (16–64 base64url characters) is accepted once, so a
 * captured request cannot be replayed. Make a new header for every attempt.
 */

import { UUID_PATTERN } from './ids.ts';

export const AUTH_SCHEME = 'LT1-HMAC-SHA256';

/** The string that is signed. `bodySha256Hex` is the lower-case hex SHA-256 of the exact body bytes. */
export function canonicalRequest(method: string, pathWithQuery: string, ts: number, nonce: string, bodySha256Hex: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${ts}\n${nonce}\n${bodySha256Hex}`;
}

export interface SignRequestInput {
  terminalId: string;
  /** The secret from /v1/pair (base64url). */
  secret: string;
  method: string;
  pathWithQuery: string;
  body?: string | Uint8Array;
  /** Defaults to Date.now(); pass the terminal's clock in tests. */
  ts?: number;
  /** Defaults to 16 random bytes, base64url. */
  nonce?: string;
}

/** The Authorization header value for one request. */
export async function signRequest(input: SignRequestInput): Promise<string> {
  const ts = input.ts ?? Date.now();
  const nonce = input.nonce ?? base64urlEncode(crypto.getRandomValues(new Uint8Array(16)));
  const body = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : Uint8Array.from(input.body ?? []);
  const bodyHash = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', body)));
  const keyBytes = await crypto.subtle.digest('SHA-256', base64urlDecode(input.secret));
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const canonical = canonicalRequest(input.method, input.pathWithQuery, ts, nonce, bodyHash);
  const sig = base64urlEncode(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(canonical))));
  return `${AUTH_SCHEME} terminal=${input.terminalId}, ts=${ts}, nonce=${nonce}, sig=${sig}`;
}

export interface ParsedAuthorization {
  terminalId: string;
  ts: number;
  nonce: string;
  sig: string;
}

/** null when the header is not of this scheme, or a field is missing, repeated or malformed. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  if (header === undefined) return null;
  const prefix = `${AUTH_SCHEME} `;
  if (!header.startsWith(prefix)) return null;
  const fields = new Map<string, string>();
  for (const part of header.slice(prefix.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    if (fields.has(key)) return null;
    fields.set(key, part.slice(eq + 1).trim());
  }
  const terminalId = fields.get('terminal');
  const ts = fields.get('ts');
  const nonce = fields.get('nonce');
  const sig = fields.get('sig');
  if (terminalId === undefined || ts === undefined || nonce === undefined || sig === undefined || fields.size !== 4) return null;
  if (!UUID_PATTERN.test(terminalId) || !/^\d{1,16}$/.test(ts) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !/^[A-Za-z0-9_-]{43}$/.test(sig))
    return null;
  return { terminalId, ts: Number(ts), nonce, sig };
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c++) out += B64URL[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

function base64urlDecode(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const ch of text) {
    const v = B64URL.indexOf(ch);
    if (v < 0) throw new RangeError('secret is not base64url');
    buffer = ((buffer << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      out[n++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}
