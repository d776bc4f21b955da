import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * PINs are stored as scrypt hashes: `scrypt$N$r$p$salt$hash` (base64). A PIN
 * has few digits, so the cost parameter, the per-staff salt and the lockout
 * after repeated failures are what protect it.
 */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/** `cost` and `salt` are for tests (cheap hashes, a salt shared to brute-force fast); production takes the defaults. */
export function hashPin(pin: string, cost: number = N, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(pin, salt, KEY_LENGTH, { N: cost, r: R, p: P });
  return `scrypt$${cost}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(pin, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
