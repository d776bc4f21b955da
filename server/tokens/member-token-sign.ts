/**
 * Signs member QR tokens with the server's Ed25519 private key. Node only: the
 * central server issues tokens; tests use it to make real ones.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeMemberToken, type MemberTokenFields } from '../../shared/member-token.ts';

export type MemberTokenInput = Omit<MemberTokenFields, 'keyId' | 'tokenId'> & { tokenId?: string };

/** A fresh random token id unless one is given (re-issuing the same id is how a test pins one). */
export function signMemberToken(fields: MemberTokenInput, privateKey: KeyObject, keyId: number): string {
  const tokenId = fields.tokenId ?? randomBytes(6).toString('hex');
  return encodeMemberToken({ ...fields, keyId, tokenId }, (bytes) => new Uint8Array(sign(null, bytes, privateKey)));
}
