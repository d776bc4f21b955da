/**
 * After a 429 (or 503) with Retry-After the terminal's next attempt waits at
 * least that long, whatever its backoff draws; the header is read as seconds
 * or as an HTTP date; an absurd value is capped so a till is never silenced
 * for days.
 */
import { expect, test } from 'vitest';
import { DEFAULT_BACKOFF, MAX_RETRY_AFTER_MS, retryDelay } from '../../../main/backend/sync/backoff.ts';
import { classifyFailure, SyncFailure } from '../../../main/backend/sync/failure.ts';
import { retryAfterMs } from '../../../main/backend/sync/http-client.ts';

const limited = (retryAfter: number | null, status = 429) =>
  new SyncFailure('http', 'Too many requests', status, status === 429 ? 'RATE_LIMITED' : null, { limitedBy: 'terminal' }, retryAfter);

test('Retry-After is read as delay-seconds or an HTTP date; anything else is ignored', () => {
  const now = Date.parse('2026-03-14T10:00:00Z');
  expect(retryAfterMs('30', now)).toBe(30_000);
  expect(retryAfterMs(' 0 ', now)).toBe(0);
  expect(retryAfterMs('Sat, 14 Mar 2026 10:02:00 GMT', now)).toBe(120_000);
  expect(retryAfterMs('Sat, 14 Mar 2026 09:00:00 GMT', now)).toBe(0);
  expect(retryAfterMs(undefined, now)).toBeNull();
  expect(retryAfterMs('soon', now)).toBeNull();
  expect(retryAfterMs('-5', now)).toBeNull();
});

test('a 429 is retried with backoff, shown offline, and carries the server’s Retry-After', () => {
  expect(classifyFailure(limited(20_000))).toEqual({
    retry: 'backoff',
    state: 'offline',
    reason: 'rate limited by the server',
    retryAfterMs: 20_000,
  });
  expect(classifyFailure(limited(null))).not.toHaveProperty('retryAfterMs');
  expect(classifyFailure(limited(5_000, 503))).toMatchObject({ retry: 'backoff', reason: 'server error 503', retryAfterMs: 5_000 });
});

test('the next attempt is never sooner than Retry-After, at any attempt and any random draw', () => {
  for (const attempt of [0, 1, 3, 10]) {
    for (const r of [0, 0.25, 0.999]) {
      const delay = retryDelay(classifyFailure(limited(45_000)), attempt, () => r);
      expect(delay, `attempt ${attempt}, draw ${r}`).toBeGreaterThanOrEqual(45_000);
    }
  }
  // A backoff already longer than Retry-After stands.
  expect(retryDelay({ retry: 'backoff', retryAfterMs: 1_000 }, 20, () => 0.999)).toBe(Math.floor(0.999 * DEFAULT_BACKOFF.capMs));
  // An operator's problem waits the cap, or Retry-After when longer.
  expect(retryDelay({ retry: 'slow' }, 0, () => 0)).toBe(DEFAULT_BACKOFF.capMs);
  expect(retryDelay({ retry: 'slow', retryAfterMs: 10 * 60_000 }, 0, () => 0)).toBe(10 * 60_000);
  // Without Retry-After, the plain backoff.
  expect(retryDelay({ retry: 'backoff' }, 0, () => 0)).toBe(0);
});

test('an absurd Retry-After is capped at an hour', () => {
  expect(retryDelay(classifyFailure(limited(30 * 24 * 3_600_000)), 0, () => 0)).toBe(MAX_RETRY_AFTER_MS);
});
