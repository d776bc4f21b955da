/**
 * Retry delays: exponential backoff with full jitter (a uniformly random delay
 * between 0 and min(cap, base·2^attempt)), so a fleet of terminals coming back
 * after an outage does not hit the server in lockstep. Pure: `random` is injected.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 5 * 60_000 };

/** A server's Retry-After beyond this is read as this: a misconfigured proxy must not silence a till for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * The wait before the next attempt after a failure: the backoff delay (its cap when an operator
 * must act first), and never less than what the server asked for in Retry-After.
 */
export function retryDelay(
  plan: { retry: 'backoff' | 'slow' | 'resend'; retryAfterMs?: number | undefined },
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const backoff = plan.retry === 'slow' ? options.capMs : backoffDelay(attempt, random, options);
  return Math.max(backoff, Math.min(plan.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** The delay before retry number `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exp = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.floor(random() * exp);
}
