import { expect, test } from 'vitest';
import { classifyFailure, SyncFailure } from '../../../main/backend/sync/failure.ts';

const http = (status: number, code: string | null, details: Record<string, unknown> | null = null) =>
  new SyncFailure('http', 'x', status, code as never, details);

test('network, timeouts, 5xx and bad answers are retried with backoff, shown as offline', () => {
  expect(classifyFailure(new SyncFailure('network', 'ECONNREFUSED'))).toEqual({
    retry: 'backoff',
    state: 'offline',
    reason: 'network: ECONNREFUSED',
  });
  expect(classifyFailure(new SyncFailure('timeout', 'slow'))).toMatchObject({ retry: 'backoff', state: 'offline', reason: 'timeout' });
  expect(classifyFailure(http(503, null))).toMatchObject({ retry: 'backoff', state: 'offline', reason: 'server error 503' });
  expect(classifyFailure(http(500, 'INTERNAL'))).toMatchObject({ retry: 'backoff' });
  expect(classifyFailure(new SyncFailure('invalid_response', 'truncated'))).toMatchObject({ retry: 'backoff', state: 'offline' });
});

test('401s an operator must fix are errors without hot retry; others retry with a fresh signature', () => {
  for (const reason of ['clock_skew', 'revoked', 'unknown_terminal', 'protocol_retired']) {
    expect(classifyFailure(http(401, 'UNAUTHENTICATED', { reason }))).toEqual({ retry: 'slow', state: 'error', reason });
  }
  expect(classifyFailure(http(401, 'UNAUTHENTICATED', { reason: 'replay' }))).toEqual({
    retry: 'backoff',
    state: 'error',
    reason: 'replay',
  });
  expect(classifyFailure(http(401, 'UNAUTHENTICATED'))).toMatchObject({ reason: 'unauthenticated' });
});

test('a sequence gap resends from the seq the server expects; a conflict, a refusal or TLS need a person', () => {
  expect(classifyFailure(http(409, 'SEQUENCE_GAP', { expectedSeq: 41 }))).toEqual({
    retry: 'resend',
    state: 'offline',
    reason: 'sequence gap',
    resendFrom: 41,
  });
  expect(classifyFailure(http(409, 'SEQUENCE_CONFLICT'))).toMatchObject({ retry: 'slow', state: 'error' });
  expect(classifyFailure(http(400, 'VALIDATION'))).toMatchObject({ retry: 'slow', state: 'error', reason: 'refused: VALIDATION' });
  expect(classifyFailure(new SyncFailure('tls', 'DEPTH_ZERO_SELF_SIGNED_CERT'))).toMatchObject({
    retry: 'slow',
    state: 'error',
    reason: 'tls: DEPTH_ZERO_SELF_SIGNED_CERT',
  });
});
