/**
 * Online redemption holds with a time budget. The cashier must never wait on
 * the network: if the server does not answer within the budget (default
 * 800 ms) the answer is the offline policy's, and a hold that the server may
 * still have placed is released in the background.
 */
import type { Output, ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { holdResponseSchema, DEFAULT_HOLD_TTL_MS } from '../../../shared/sync-protocol.ts';
import type { Logger } from '../platform/logging.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { currentProgram } from '../store/program.ts';
import { markHoldReleased, offlineRedeemedSince, recordHold } from '../store/sync-redemptions.ts';
import { SyncFailure } from './failure.ts';
import type { SyncHttpClient } from './http-client.ts';
import { judgeOfflineRedemption, storeDayStart, type OfflineCaps } from '../sales/offline-policy.ts';

export interface HoldDeps {
  store: TerminalDb;
  /** null when the terminal is not paired. */
  client: SyncHttpClient | null;
  caps: OfflineCaps | null;
  budgetMs: number;
  now: () => number;
  log: Logger;
}

type HoldAnswer = Output<'redemption.hold'>;

export async function placeHold(deps: HoldDeps, input: ParsedInput<'redemption.hold'>): Promise<HoldAnswer> {
  if (deps.client === null) return offlineAnswer(deps, input);
  const controller = new AbortController();
  const started = deps.now();
  try {
    const res = await deps.client.post(
      '/v1/holds',
      { holdId: input.holdId, memberId: input.memberId, points: input.points, ttlMs: DEFAULT_HOLD_TTL_MS },
      holdResponseSchema,
      {
        timeoutMs: deps.budgetMs,
        signal: controller.signal,
      },
    );
    writeTransaction(deps.store, (db) =>
      recordHold(db, { holdId: input.holdId, memberId: input.memberId, points: input.points, now: started, expiresAt: res.expiresAt }),
    );
    return { mode: 'online', holdId: res.holdId, expiresAt: res.expiresAt };
  } catch (error) {
    if (!(error instanceof SyncFailure)) throw error;
    if (error.kind === 'http' && error.status === 409) {
      // The server names no figure (it does not reveal balances to a till): neither does this answer.
      if (error.code === 'INSUFFICIENT_POINTS')
        throw new AppError('INSUFFICIENT_POINTS', 'The member does not have enough points for this (checked with the loyalty server).', {
          source: 'server',
        });
      if (error.code === 'HOLD_TOO_LARGE') {
        const maxPoints = typeof error.details?.maxPoints === 'number' ? error.details.maxPoints : null;
        throw new AppError('REDEMPTION_NOT_ALLOWED', 'This is more points than one redemption may use.', {
          reason: 'hold_too_large',
          ...(maxPoints === null ? {} : { max: maxPoints }),
        });
      }
      if (error.code === 'MEMBER_BLOCKED') throw new AppError('MEMBER_BLOCKED', 'This member is blocked: points cannot be redeemed.');
      if (error.code === 'CONFLICT')
        throw new AppError('CONFLICT', 'This hold id was already used for another redemption. Start the redemption again.');
    }
    // Too many holds from this till for now: not a reason to spend offline instead. The cashier tries again shortly.
    if (error.kind === 'http' && error.status === 429) throw rateLimited(error, 'Try the redemption again shortly.');
    // Timeout, offline, the server erring, or a member it does not know yet (enrolled here, not pushed): decide offline.
    deps.log.log('info', 'hold.offline', { holdId: input.holdId, cause: error.kind === 'http' ? `http ${error.status}` : error.kind });
    if (error.kind === 'timeout' || error.kind === 'aborted' || error.kind === 'network') void releaseOnServer(deps, input.holdId);
    return offlineAnswer(deps, input);
  }
}

/** The server's 429, for the cashier: wait and try again (never a reason to decide offline instead). */
export function rateLimited(error: SyncFailure, what: string): AppError {
  const retryAfterSeconds = typeof error.details?.retryAfterSeconds === 'number' ? error.details.retryAfterSeconds : null;
  return new AppError('RATE_LIMITED', `The loyalty server asks this till to wait. ${what}`, {
    ...(retryAfterSeconds === null ? {} : { retryAfterSeconds }),
    ...(typeof error.details?.limitedBy === 'string' ? { limitedBy: error.details.limitedBy } : {}),
  });
}

/** Gives a hold back on the server (an abandoned or voided sale). Best effort: it expires there anyway. */
export async function releaseHold(deps: HoldDeps, holdId: string): Promise<boolean> {
  writeTransaction(deps.store, (db) => markHoldReleased(db, holdId));
  return releaseOnServer(deps, holdId);
}

async function releaseOnServer(deps: HoldDeps, holdId: string): Promise<boolean> {
  if (deps.client === null) return false;
  try {
    await deps.client.post(`/v1/holds/${holdId}/release`, undefined, holdResponseSchema, { timeoutMs: Math.max(deps.budgetMs, 5_000) });
    return true;
  } catch (error) {
    deps.log.log('info', 'hold.release.failed', { holdId, cause: error instanceof SyncFailure ? error.kind : 'error' });
    return false;
  }
}

function offlineAnswer(deps: HoldDeps, input: ParsedInput<'redemption.hold'>): HoldAnswer {
  if (deps.caps === null) return { mode: 'offline', allowed: true, reason: null, capRemaining: null };
  const since = storeDayStart(deps.now(), currentProgram(deps.store.db).timeZone);
  const used = {
    member: offlineRedeemedSince(deps.store.db, input.memberId, since),
    terminal: offlineRedeemedSince(deps.store.db, null, since),
  };
  const verdict = judgeOfflineRedemption(input.points, used, deps.caps);
  return { mode: 'offline', allowed: verdict.allowed, reason: verdict.reason, capRemaining: verdict.capRemaining };
}
