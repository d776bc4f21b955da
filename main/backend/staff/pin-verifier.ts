/**
 * What the till keeps of a staff member's PIN: not the server's scrypt hash
 * (`scrypt$N$r$p$salt$hash`, node-shared/pin-hash.ts), which a copy of the
 * database would let anyone brute-force (a PIN has 4 to 8 digits), but a keyed
 * verifier `keyed1$N$r$p$len$salt$mac`: the HMAC-SHA256, under the terminal's
 * 'pin-verifier' key (platform/sealed-keys.ts, derived from the device key kept
 * outside the database), of the scrypt hash. The scrypt parameters and salt stay,
 * so a PIN is checked by computing scrypt(pin) and then the HMAC, compared in
 * constant time. Without the device key the file says nothing about any PIN.
 */
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { keysOf } from '../platform/sealed-keys.ts';
import { writeTransaction, type ReadableStore, type TerminalDb } from '../store/connection.ts';
import { anyPinVerifier, setPinVerifier, staffWithPinPrefix } from '../store/staff.ts';

const KEYED = 'keyed1';
const MAX_BYTES = 64;

interface ScryptParams {
  n: number;
  r: number;
  p: number;
  len: number;
  salt: Buffer;
}

function positive(text: string, max: number): number | null {
  if (!/^\d{1,9}$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= max ? value : null;
}

function params(n: string, r: string, p: string, salt: string, len: number): ScryptParams | null {
  const N = positive(n, 1 << 20);
  const R = positive(r, 32);
  const P = positive(p, 16);
  if (N === null || R === null || P === null || N < 2 || (N & (N - 1)) !== 0) return null;
  if (len < 16 || len > MAX_BYTES) return null;
  return { n: N, r: R, p: P, len, salt: Buffer.from(salt, 'base64') };
}

function mac(pinKey: Buffer, q: ScryptParams, hash: Buffer): Buffer {
  return createHmac('sha256', pinKey)
    .update(`${KEYED}$${q.n}$${q.r}$${q.p}$${q.len}$${q.salt.toString('base64')}$`)
    .update(hash)
    .digest();
}

function format(q: ScryptParams, m: Buffer): string {
  return `${KEYED}$${q.n}$${q.r}$${q.p}$${q.len}$${q.salt.toString('base64')}$${m.toString('base64')}`;
}

/** True for a stored value in the keyed format (anything else verifies no PIN). */
export function isKeyedVerifier(stored: string): boolean {
  return stored.startsWith(`${KEYED}$`);
}

/**
 * The keyed verifier of a server's scrypt PIN hash; '' (no PIN verifies) for a value
 * that is not a well-formed scrypt hash with sane parameters.
 */
export function keyPinHash(scryptHash: string, pinKey: Buffer): string {
  const parts = scryptHash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return '';
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const bytes = Buffer.from(hash, 'base64');
  const q = params(n, r, p, salt, bytes.length);
  if (q === null) return '';
  return format(q, mac(pinKey, q, bytes));
}

function parseVerifier(stored: string): { q: ScryptParams; mac: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 7 || parts[0] !== KEYED) return null;
  const [, n, r, p, len, salt, m] = parts as [string, string, string, string, string, string, string];
  const q = params(n, r, p, salt, positive(len, MAX_BYTES) ?? 0);
  return q === null ? null : { q, mac: Buffer.from(m, 'base64') };
}

/** Whether `pin` is the PIN behind a keyed verifier: scrypt, then the HMAC, compared in constant time. */
export function verifyKeyedPin(pin: string, stored: string, pinKey: Buffer): boolean {
  const parsed = parseVerifier(stored);
  if (parsed === null) return false;
  let hash: Buffer;
  try {
    hash = scryptSync(pin, parsed.q.salt, parsed.q.len, { N: parsed.q.n, r: parsed.q.r, p: parsed.q.p });
  } catch {
    return false; // parameters beyond what this machine will compute
  }
  const actual = mac(pinKey, parsed.q, hash);
  return actual.length === parsed.mac.length && timingSafeEqual(actual, parsed.mac);
}

const dummies = new Map<string, string>();

/**
 * A verifier no PIN matches, with the scrypt parameters of `like` (a real staff
 * member's verifier, or the server's defaults): checked when a staff id is unknown,
 * so a wrong id costs what a wrong PIN costs.
 */
export function dummyVerifier(like: string | undefined): string {
  const parsed = like === undefined ? null : parseVerifier(like);
  const q = parsed?.q ?? { n: 16384, r: 8, p: 1, len: 32, salt: Buffer.alloc(16) };
  const cacheKey = `${q.n}$${q.r}$${q.p}$${q.len}`;
  let dummy = dummies.get(cacheKey);
  if (dummy === undefined) {
    dummy = format({ ...q, salt: randomBytes(16) }, randomBytes(32));
    dummies.set(cacheKey, dummy);
  }
  return dummy;
}

/** The pin-verifier key of the store's terminal; a store opened without the device key cannot verify or store a PIN. */
export function pinKeyOf(store: ReadableStore): Buffer {
  return keysOf(store).pinVerifier();
}

/** What the till stores for a pulled staff member: the keyed verifier, or '' for one who is not active. */
export function staffVerifier(store: ReadableStore, s: { pinHash: string; active: boolean }): string {
  return s.active ? keyPinHash(s.pinHash, pinKeyOf(store)) : '';
}

/** A real verifier's parameters for the unknown-id check (see dummyVerifier). */
export function verifierLike(store: ReadableStore): string | undefined {
  return anyPinVerifier(store.db, `${KEYED}$`);
}

/**
 * At start: rows still holding the server's raw scrypt hash (a till upgraded from
 * before keyed verifiers, or seeded by a tool) are re-keyed, all in one transaction.
 * Returns how many.
 */
export function rekeyLegacyPins(store: TerminalDb): number {
  if (!store.health.ok) return 0;
  const legacy = staffWithPinPrefix(store.db, 'scrypt$');
  if (legacy.length === 0) return 0;
  const key = pinKeyOf(store);
  writeTransaction(store, (db) => {
    for (const row of staffWithPinPrefix(db, 'scrypt$')) setPinVerifier(db, row.id, keyPinHash(row.pin_hash, key));
  });
  return legacy.length;
}
