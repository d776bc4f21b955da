/**
 * Request signing for the sync protocol. Two schemes share one canonical
 * request (method, target, timestamp, nonce, body hash):
 *
 *   Authorization: LT2-ED25519 terminal=<id>, ts=<ms>, nonce=<random>, sig=<base64url, 86 chars>
 *   sig = base64url(Ed25519-sign(device private key, canonical))          (protocol version 2)
 *
 *   Authorization: LT1-HMAC-SHA256 terminal=<id>, ts=<ms>, nonce=<random>, sig=<base64url, 43 chars>
 *   sig = base64url(HMAC-SHA256(SHA-256(secret), canonical))               (protocol version 1)
 *
 *   canonical = METHOD "\n" pathWithQuery "\n" ts "\n" nonce "\n" sha256hex(body)
 *
 * Version 2: the terminal makes an Ed25519 key pair when it pairs, keeps the
 * private key sealed in its credentials and gives the server only the public
 * key, so a copy of the server's database cannot sign as any terminal. The
 * Ed25519 signer runs only on the terminal (main/backend/sync/request-signer.ts,
 * node:crypto) and the verifier only on the server (server/auth/verify-request.ts);
 * this file keeps what both sides share and stays pure enough for the web
 * configuration.
 *
 * Version 1 (HMAC) is accepted by the server only during a transition window
 * (docs/sync-protocol.md, "Protocol version 2"): its key, SHA-256(secret), is in
 * the server's database and therefore signs as the terminal for anyone holding a
 * copy. `signRequest` (HMAC, WebCrypto only) stays for terminals that still hold
 * a secret until they register a device key (POST /v1/device-key).
 *
 * `pathWithQuery` is the request target exactly as sent (`/v1/changes?cursor=x&limit=5`);
 * `body` is the exact bytes sent (empty for GET). `ts` must be within ±5 minutes of
 * the server's clock and a nonce (16–64 base64url characters) is accepted once, so a
 * captured request cannot be replayed. Make a new header for every attempt.
 */

import { UUID_PATTERN } from './ids.ts';

/** Protocol version 1: HMAC with a key the server also holds (accepted only during the transition window). */
export const AUTH_SCHEME = 'LT1-HMAC-SHA256';
/** Protocol version 2: Ed25519 with a key pair whose private half never leaves the terminal. */
export const AUTH_SCHEME_ED25519 = 'LT2-ED25519';

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

/** The Authorization header value of the Ed25519 scheme, from a signature already made over canonicalRequest(...). */
export function ed25519Authorization(terminalId: string, ts: number, nonce: string, sig: Uint8Array): string {
  return `${AUTH_SCHEME_ED25519} terminal=${terminalId}, ts=${ts}, nonce=${nonce}, sig=${base64urlEncode(sig)}`;
}

/** 16 random bytes, base64url: a fresh nonce. */
export function newNonce(): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(16)));
}

/** Lower-case hex SHA-256 of the body bytes (for canonicalRequest). */
export async function bodySha256Hex(body: string | Uint8Array | undefined): Promise<string> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : Uint8Array.from(body ?? []);
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

export interface ParsedAuthorization {
  /** 1 = LT1-HMAC-SHA256, 2 = LT2-ED25519. */
  protocolVersion: 1 | 2;
  terminalId: string;
  ts: number;
  nonce: string;
  sig: string;
}

/** null when the header is not of this scheme, or a field is missing, repeated or malformed. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  if (header === undefined) return null;
  const protocolVersion = header.startsWith(`${AUTH_SCHEME} `) ? 1 : header.startsWith(`${AUTH_SCHEME_ED25519} `) ? 2 : null;
  if (protocolVersion === null) return null;
  const prefix = `${protocolVersion === 1 ? AUTH_SCHEME : AUTH_SCHEME_ED25519} `;
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
  if (
    !UUID_PATTERN.test(terminalId) ||
    !/^\d{1,16}$/.test(ts) ||
    !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) ||
    !SIG_PATTERN[protocolVersion].test(sig)
  )
    return null;
  return { protocolVersion, terminalId, ts: Number(ts), nonce, sig };
}

// HMAC-SHA256 is 32 bytes (43 base64url characters), an Ed25519 signature 64 (86).
const SIG_PATTERN = { 1: /^[A-Za-z0-9_-]{43}$/, 2: /^[A-Za-z0-9_-]{86}$/ } as const;

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
