import { randomBytes } from 'node:crypto';
import { signMemberToken } from './member-token-sign.ts';
import type { MemberTokenResponse } from '../../shared/sync-protocol.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { Db } from '../store/db.ts';
import { activeSigningKey } from './signing-keys.ts';

/** Issues a signed member QR token (format: shared/member-token.ts) with the member's first card, if any. */
export async function issueMemberToken(db: Db, memberId: string, ttlMs: number | null, now: number): Promise<MemberTokenResponse> {
  const [member] = await db.query<{ status: string }>('SELECT status FROM members WHERE id = $1', [memberId]);
  if (member === undefined || member.status === 'pending_enrolment') throw notFound('No such member.', { memberId });
  if (member.status === 'blocked') throw new HttpError(409, 'MEMBER_BLOCKED', 'This member is blocked: no token is issued.');
  const [card] = await db.query<{ card: string }>('SELECT card FROM member_cards WHERE member_id = $1 ORDER BY created_at, card LIMIT 1', [
    memberId,
  ]);
  const key = await activeSigningKey(db, now);
  const issuedAt = Math.floor(now / 1000) * 1000;
  const expiresAt = ttlMs === null ? null : Math.floor((now + ttlMs) / 1000) * 1000;
  const tokenId = randomBytes(6).toString('hex');
  const token = signMemberToken({ memberId, cardNumber: card?.card ?? null, issuedAt, expiresAt, tokenId }, key.privateKey, key.kid);
  return { token, keyId: key.kid, tokenId, issuedAt, expiresAt };
}
