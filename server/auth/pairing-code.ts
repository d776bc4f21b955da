/**
 * One-time pairing codes: 10 characters of Crockford base32 (50 random bits),
 * shown as two groups of five ("K7M2Q-9XTRA"). Short enough to type at a till;
 * single use and expiring, so 50 bits is ample. Only a hash is stored.
 */
import { createHash, randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAIRING_CODE_LENGTH = 10;

export function newPairingCode(): string {
  const bytes = randomBytes(PAIRING_CODE_LENGTH);
  let code = '';
  for (const b of bytes) code += CROCKFORD[b & 31];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Canonical form of typed input: case, spaces and dashes ignored; I/L read as 1 and O as 0 (Crockford). null when it cannot be a code. */
export function normalisePairingCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (code.length !== PAIRING_CODE_LENGTH) return null;
  for (const ch of code) if (!CROCKFORD.includes(ch)) return null;
  return code;
}

export function hashPairingCode(normalised: string): string {
  return createHash('sha256').update(`pairing-code:${normalised}`).digest('hex');
}
