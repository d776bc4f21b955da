/**
 * What went wrong in a request to the central server, and what to do about it.
 * The HTTP client turns every failure into a SyncFailure; `classifyFailure`
 * (pure) decides the retry and the status the people at the till see.
 */
import type { AuthFailureReason, SyncErrorCode } from '../../../shared/sync-protocol.ts';

/** `insecure`: refused before sending, a plain http:// server that is not this machine (transport-policy.ts). */
export type FailureKind = 'network' | 'timeout' | 'aborted' | 'tls' | 'insecure' | 'http' | 'invalid_response';

export class SyncFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status: number | null = null,
    readonly code: SyncErrorCode | null = null,
    readonly details: Record<string, unknown> | null = null,
    /** The server's Retry-After (429, 503) in ms: the next attempt waits at least this long. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SyncFailure';
  }
}

export interface FailurePlan {
  /** backoff = retry after a growing delay; slow = an operator must act, retry only at the backoff cap; resend = retry now from `resendFrom`. */
  retry: 'backoff' | 'slow' | 'resend';
  state: 'offline' | 'error';
  /** Short, stable, no personal data: shown in the status and logged. */
  reason: string;
  resendFrom?: number;
  /** The server said when to try again (Retry-After): no retry before this many ms. */
  retryAfterMs?: number;
}

/** 401 reasons a new signature cannot fix: the clock or the pairing must change first. */
const OPERATOR_AUTH: readonly AuthFailureReason[] = ['clock_skew', 'revoked', 'unknown_terminal', 'protocol_retired'];

export function classifyFailure(f: SyncFailure): FailurePlan {
  switch (f.kind) {
    case 'network':
    case 'timeout':
    case 'aborted':
      return { retry: 'backoff', state: 'offline', reason: f.kind === 'network' ? `network: ${f.message}` : f.kind };
    case 'tls':
      // A certificate problem does not heal by itself: set the CA (sync.pair caPem) or fix the server.
      return { retry: 'slow', state: 'error', reason: `tls: ${f.message}` };
    case 'insecure':
      // Nothing was sent: the address (https://) or the configuration (sync.allowInsecureHttp) must change.
      return { retry: 'slow', state: 'error', reason: 'insecure: plain http:// to a server that is not this machine is refused' };
    case 'invalid_response':
      return { retry: 'backoff', state: 'offline', reason: 'invalid response' };
    case 'http':
      break;
  }
  const status = f.status ?? 0;
  if (status === 401) {
    const reason = typeof f.details?.reason === 'string' ? f.details.reason : 'unauthenticated';
    if ((OPERATOR_AUTH as readonly string[]).includes(reason)) return { retry: 'slow', state: 'error', reason };
    return { retry: 'backoff', state: 'error', reason };
  }
  if (status === 409 && f.code === 'SEQUENCE_GAP' && typeof f.details?.expectedSeq === 'number') {
    return { retry: 'resend', state: 'offline', reason: 'sequence gap', resendFrom: f.details.expectedSeq };
  }
  if (status === 409 && f.code === 'SEQUENCE_CONFLICT')
    return { retry: 'slow', state: 'error', reason: 'sequence conflict: restored from a backup?' };
  if (status === 429 || status === 503) {
    const plan: FailurePlan = {
      retry: 'backoff',
      state: 'offline',
      reason: status === 429 ? 'rate limited by the server' : 'server error 503',
    };
    return f.retryAfterMs === null ? plan : { ...plan, retryAfterMs: f.retryAfterMs };
  }
  if (status >= 500 || status === 408) return { retry: 'backoff', state: 'offline', reason: `server error ${status}` };
  // Another 4xx: the server refused what we sent. Retrying will not change it; someone must look.
  return { retry: 'slow', state: 'error', reason: `refused: ${f.code ?? status}` };
}
