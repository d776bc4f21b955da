/**
 * Offline verification of member QR tokens against the public keys the terminal
 * received by sync. Several key ids are accepted at once so the server can
 * rotate keys without invalidating tokens already printed or on phones.
 *
 * Order of checks: structure, key, signature, then revocation and time. Fields
 * of a token are not trusted (nor reported as expired or revoked) until its
 * signature holds.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeMemberToken, type MemberTokenFormatFailure } from '../../../shared/member-token.ts';

/** A public key as a KeyObject, or its raw 32 bytes as synced from the server. */
export type MemberTokenKey = KeyObject | Uint8Array;
export type MemberTokenKeys = ReadonlyMap<number, MemberTokenKey>;

export interface VerifyOptions {
  keys: MemberTokenKeys;
  now: number;
  isRevoked?: (tokenId: string, memberId: string) => boolean;
  /** How far a token's issued-at may lie ahead of this terminal's clock. Offline clocks drift. */
  clockSkewMs?: number;
}

export type TokenRefusal = MemberTokenFormatFailure | 'unknown-key' | 'bad-signature' | 'expired' | 'not-yet-valid' | 'revoked';

export type VerifiedMemberToken =
  | { ok: true; memberId: string; cardNumber: string | null; keyId: number; tokenId: string; issuedAt: number; expiresAt: number | null }
  /** keyId and tokenId are given when the token was readable that far: safe to log (no personal data). */
  | { ok: false; reason: TokenRefusal; message: string; keyId?: number; tokenId?: string };

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

export function verifyMemberToken(text: string, options: VerifyOptions): VerifiedMemberToken {
  const decoded = decodeMemberToken(text);
  if (!decoded.ok) return decoded;
  const { fields } = decoded;
  const keyId = fields.keyId;

  const key = publicKey(options.keys.get(keyId));
  if (key === undefined) {
    return {
      ok: false,
      reason: 'unknown-key',
      keyId,
      message: `This member QR code was signed with key ${keyId}, which this terminal does not have. Sync the terminal, or ask the member to refresh the code.`,
    };
  }
  if (!signatureHolds(decoded.signingInput, decoded.signature, key)) {
    return {
      ok: false,
      reason: 'bad-signature',
      keyId,
      message: 'This member QR code is not genuine: its signature does not match. Ask for the member card or search by phone.',
    };
  }

  const tokenId = fields.tokenId;
  if (options.isRevoked?.(tokenId, fields.memberId) === true) {
    return {
      ok: false,
      reason: 'revoked',
      keyId,
      tokenId,
      message: 'This member QR code has been withdrawn. Ask the member to open a fresh code in the app.',
    };
  }
  if (fields.issuedAt > options.now + (options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS)) {
    return {
      ok: false,
      reason: 'not-yet-valid',
      keyId,
      tokenId,
      message: "This member QR code is not valid yet. Check this terminal's date and time.",
    };
  }
  if (fields.expiresAt !== null && options.now >= fields.expiresAt) {
    return {
      ok: false,
      reason: 'expired',
      keyId,
      tokenId,
      message: 'This member QR code has expired. Ask the member to open a fresh code in the app.',
    };
  }
  return { ok: true, ...fields };
}

const fromRaw = new WeakMap<Uint8Array, KeyObject | null>();

/** undefined for a missing key or one that is not an Ed25519 key: both mean "cannot check this id". */
function publicKey(key: MemberTokenKey | undefined): KeyObject | undefined {
  if (key === undefined) return undefined;
  if (key instanceof Uint8Array) {
    let made = fromRaw.get(key);
    if (made === undefined) {
      made = rawEd25519Key(key);
      fromRaw.set(key, made);
    }
    return made ?? undefined;
  }
  return key.asymmetricKeyType === 'ed25519' ? key : undefined;
}

function rawEd25519Key(raw: Uint8Array): KeyObject | null {
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  } catch {
    return null;
  }
}

function signatureHolds(message: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
