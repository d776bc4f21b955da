/**
 * Member QR cards: the central server signs them (terminals only verify,
 * scanning/member-token-verify.ts). A member enrolled here and not pushed yet
 * is unknown there: push first, then ask.
 */
import { AppError } from '../../../shared/errors.ts';
import { memberTokenResponseSchema, type MemberTokenResponse } from '../../../shared/sync-protocol.ts';
import type { TerminalDb } from '../store/connection.ts';
import { outboxStats } from '../store/outbox.ts';
import { SyncFailure } from './failure.ts';
import { rateLimited } from './holds.ts';
import type { ServerLink } from './server-link.ts';

export interface MemberTokenDeps {
  store: TerminalDb;
  link: ServerLink;
  /** One full sync round (push, then pull). */
  syncNow: () => Promise<unknown>;
}

export async function issueMemberToken(deps: MemberTokenDeps, memberId: string): Promise<MemberTokenResponse> {
  const client = deps.link.client();
  if (client === null)
    throw new AppError(
      'NOT_PAIRED',
      'This terminal is not paired with the central server, which makes QR cards. Issue a pre-printed card instead.',
    );
  if (outboxStats(deps.store.db).pending > 0) await deps.syncNow();
  try {
    // No lifetime asked: the server gives the programme's (tokens.lifetimeDays), the longest it allows.
    return await client.post('/v1/member-tokens', { memberId, ttlMs: null }, memberTokenResponseSchema, { timeoutMs: 5_000 });
  } catch (error) {
    if (error instanceof SyncFailure && error.kind === 'http' && error.code === 'MEMBER_BLOCKED')
      throw new AppError('MEMBER_BLOCKED', 'This member is blocked: no QR card is issued.');
    // Too many QR codes for this member today, or from this till this hour (the programme's tokens rates).
    if (error instanceof SyncFailure && error.kind === 'http' && error.status === 429)
      throw rateLimited(error, 'Try the QR card again later.');
    if (error instanceof SyncFailure && error.kind === 'http' && error.status === 404) {
      throw new AppError(
        'SERVER_UNREACHABLE',
        'The central server does not know this member yet. Try again in a minute, once the terminal has synced.',
      );
    }
    if (error instanceof SyncFailure)
      throw new AppError(
        'SERVER_UNREACHABLE',
        'The central server did not answer. Try again when the terminal is online, or issue a pre-printed card.',
      );
    throw error;
  }
}
