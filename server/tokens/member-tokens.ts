/**
 * Member QR tokens (format: shared/member-token.ts): issued, recorded and
 * revoked here. Every token is recorded in member_tokens with who asked for it
 * and when it expires; no token lives longer than the programme's
 * tokens.lifetimeDays (a terminal's requested lifetime is capped, none = the
 * full lifetime). A terminal mints only for an active member and within two
 * rates (per member per day, per terminal per hour: programme `tokens`);
 * an administrator's tokens are recorded but not rate-limited.
 *
 * A revoked token's id goes into revoked_member_tokens, which every terminal
 * pulls (server/pull/changes.ts) and checks offline when the token is scanned.
 */
import { randomBytes } from 'node:crypto';
import { tokenPolicy } from '../../shared/program.ts';
import type { MemberTokenResponse } from '../../shared/sync-protocol.ts';
import { AdminError } from '../admin/admin-error.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { changeTransaction, type Db, type Queryable } from '../store/db.ts';
import { lockMembers, shareTerminal } from '../store/lock-order.ts';
import { currentProgram } from '../store/programs.ts';
import { signMemberToken } from './member-token-sign.ts';
import { activeSigningKey } from './signing-keys.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Who asks for a token: a paired terminal (rate-limited) or an administrator at the console. */
export type TokenIssuer = { kind: 'terminal'; terminalId: string } | { kind: 'admin' };

/** Advisory lock class of a terminal's token minting (its per-terminal rate is counted under it; two-key form, as holds.ts). */
const TOKEN_RATE_LOCK_CLASS = 72_617_311;

/**
 * Issues and records a signed member QR token with the member's first card, if any.
 * `ttlMs` null or absent: the programme's full lifetime; longer: capped at it.
 */
export async function issueMemberToken(
  db: Db,
  memberId: string,
  ttlMs: number | null,
  now: number,
  issuer: TokenIssuer = { kind: 'admin' },
): Promise<MemberTokenResponse> {
  // Before the transaction: the first key is made in a change transaction of its own.
  const key = await activeSigningKey(db, now);
  return db.transaction(
    async (tx) => {
      const policy = tokenPolicy(await currentProgram(tx));
      if (issuer.kind === 'terminal') {
        // The server's lock order: the terminal's row (shared), then the member.
        if (!(await shareTerminal(tx, issuer.terminalId))) throw new Error('authenticated terminal vanished');
        // One terminal's mints are counted one at a time, so a burst cannot pass its rate together.
        await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [TOKEN_RATE_LOCK_CLASS, issuer.terminalId]);
      }
      const member = (await lockMembers(tx, [memberId])).get(memberId);
      if (member === undefined || member.status === 'pending_enrolment') throw notFound('No such member.', { memberId });
      if (member.status === 'blocked') throw new HttpError(409, 'MEMBER_BLOCKED', 'This member is blocked: no token is issued.');
      if (issuer.kind === 'terminal') await checkRates(tx, issuer.terminalId, memberId, policy, now);

      const [card] = await tx.query<{ card: string }>(
        'SELECT card FROM member_cards WHERE member_id = $1 ORDER BY created_at, card LIMIT 1',
        [memberId],
      );
      const issuedAt = Math.floor(now / 1000) * 1000;
      const lifetimeMs = policy.lifetimeDays * DAY_MS;
      const expiresAt = Math.floor((now + Math.min(ttlMs ?? lifetimeMs, lifetimeMs)) / 1000) * 1000;
      const tokenId = randomBytes(6).toString('hex');
      const token = signMemberToken({ memberId, cardNumber: card?.card ?? null, issuedAt, expiresAt, tokenId }, key.privateKey, key.kid);
      await tx.query(
        `INSERT INTO member_tokens (token_id, member_id, issued_by, terminal_id, key_id, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [tokenId, memberId, issuer.kind, issuer.kind === 'terminal' ? issuer.terminalId : null, key.kid, issuedAt, expiresAt],
      );
      return { token, keyId: key.kid, tokenId, issuedAt, expiresAt };
    },
    { name: 'member token' },
  );
}

async function checkRates(
  tx: Queryable,
  terminalId: string,
  memberId: string,
  policy: ReturnType<typeof tokenPolicy>,
  now: number,
): Promise<void> {
  const [forMember] = await tx.query<{ n: number; oldest: number | null }>(
    "SELECT count(*)::int AS n, min(issued_at)::bigint AS oldest FROM member_tokens WHERE member_id = $1 AND issued_by = 'terminal' AND issued_at > $2",
    [memberId, now - DAY_MS],
  );
  if (forMember!.n >= policy.perMemberPerDay) {
    throw rateLimited(
      'This member already has as many new QR codes today as the programme allows. Use one of them, or ask again tomorrow.',
      'member',
      (forMember!.oldest ?? now) + DAY_MS - now,
    );
  }
  const [forTerminal] = await tx.query<{ n: number; oldest: number | null }>(
    'SELECT count(*)::int AS n, min(issued_at)::bigint AS oldest FROM member_tokens WHERE terminal_id = $1 AND issued_at > $2',
    [terminalId, now - HOUR_MS],
  );
  if (forTerminal!.n >= policy.perTerminalPerHour) {
    throw rateLimited(
      'This terminal has made as many member QR codes this hour as the programme allows. Try again later.',
      'terminal',
      (forTerminal!.oldest ?? now) + HOUR_MS - now,
    );
  }
}

function rateLimited(message: string, limitedBy: 'member' | 'terminal', retryAfterMs: number): HttpError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, 'RATE_LIMITED', message, { limitedBy, retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
}

/** Revokes one recorded token (a lost card): terminals refuse it offline after their next pull. */
export async function revokeMemberToken(db: Db, tokenId: string, now: number): Promise<{ revoked: number }> {
  if (!/^[0-9a-f]{12}$/.test(tokenId))
    throw new AdminError('A token id is 12 hexadecimal characters (the tokenId printed when it was issued).');
  return changeTransaction(
    db,
    async (tx) => {
      const [token] = await tx.query<{ member_id: string; revoked_at: number | null }>(
        'SELECT member_id, revoked_at FROM member_tokens WHERE token_id = $1 FOR NO KEY UPDATE',
        [tokenId],
      );
      if (token === undefined) throw new AdminError(`No recorded member token ${tokenId}.`);
      if (token.revoked_at !== null) return { revoked: 0 };
      await tx.query('UPDATE member_tokens SET revoked_at = $2 WHERE token_id = $1', [tokenId, now]);
      await tx.query(
        'INSERT INTO revoked_member_tokens (token_id, member_id, revoked_at) VALUES ($1, $2, $3) ON CONFLICT (token_id) DO NOTHING',
        [tokenId, token.member_id, now],
      );
      return { revoked: 1 };
    },
    'revoke member token',
  );
}

/**
 * Revokes every recorded token of a member that is still live (not revoked, not
 * expired): one revoked_member_tokens row each, so terminals refuse them all
 * offline after their next pull. A token issued later is not affected.
 */
export async function revokeMemberTokensOf(db: Db, memberId: string, now: number): Promise<{ revoked: number }> {
  return changeTransaction(
    db,
    async (tx) => {
      const rows = await tx.query<{ token_id: string }>(
        `UPDATE member_tokens SET revoked_at = $2 WHERE member_id = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING token_id`,
        [memberId, now],
      );
      if (rows.length > 0) {
        await tx.query(
          `INSERT INTO revoked_member_tokens (token_id, member_id, revoked_at)
           SELECT t, $2::uuid, $3 FROM jsonb_array_elements_text($1::jsonb) AS t ON CONFLICT (token_id) DO NOTHING`,
          [JSON.stringify(rows.map((r) => r.token_id)), memberId, now],
        );
      }
      return { revoked: rows.length };
    },
    'revoke member tokens',
  );
}
