import { expect, test } from 'vitest';
import { computeStatus, sameStatus, type StatusInput } from '../../../main/backend/sync/status.ts';

const H = 3_600_000;
const base: StatusInput = {
  paired: true,
  busy: false,
  lastFailure: null,
  queueLength: 0,
  oldestUnsentAt: null,
  lastSuccessAt: 1_000,
  flagged: 0,
  held: 0,
  refused: 0,
  unreadable: { members: 0, products: 0, staff: 0 },
  now: 10 * H,
  alertAfterMs: 24 * H,
};

test('state: not paired, syncing, the last failure, never synced, online', () => {
  expect(computeStatus({ ...base, paired: false })).toMatchObject({ state: 'offline', reason: 'not paired' });
  expect(computeStatus({ ...base, busy: true, lastFailure: { state: 'offline', reason: 'timeout' } })).toMatchObject({
    state: 'syncing',
    reason: null,
  });
  expect(computeStatus({ ...base, lastFailure: { state: 'error', reason: 'revoked' } })).toMatchObject({
    state: 'error',
    reason: 'revoked',
  });
  expect(computeStatus({ ...base, lastSuccessAt: null })).toMatchObject({ state: 'offline', reason: 'not synced yet' });
  expect(computeStatus(base)).toMatchObject({ state: 'online', reason: null, oldestUnsentAgeMs: null, alert: false });
});

test('the alert is raised when the oldest unsent event is older than the limit, whatever the state', () => {
  const oldest = { ...base, queueLength: 3, oldestUnsentAt: 10 * H - 24 * H };
  expect(computeStatus(oldest)).toMatchObject({ alert: false, oldestUnsentAgeMs: 24 * H });
  expect(computeStatus({ ...oldest, now: oldest.now + 1 })).toMatchObject({ alert: true, state: 'online' });
  expect(computeStatus({ ...oldest, now: oldest.now + 1, lastFailure: { state: 'offline', reason: 'timeout' } })).toMatchObject({
    alert: true,
    state: 'offline',
  });
  expect(computeStatus({ ...oldest, now: oldest.now + 1, paired: false }).alert).toBe(false);
});

test('only changes people see count as a change (not the age ticking)', () => {
  const a = computeStatus({ ...base, queueLength: 1, oldestUnsentAt: 0 });
  expect(sameStatus(a, computeStatus({ ...base, queueLength: 1, oldestUnsentAt: 0, now: base.now + 1000 }))).toBe(true);
  expect(sameStatus(a, computeStatus({ ...base, queueLength: 2, oldestUnsentAt: 0 }))).toBe(false);
  expect(sameStatus(null, a)).toBe(false);
  // Events held or refused on the server, records that could not be read: each is a change people see.
  expect(sameStatus(a, computeStatus({ ...base, queueLength: 1, oldestUnsentAt: 0, held: 1 }))).toBe(false);
  expect(sameStatus(a, computeStatus({ ...base, queueLength: 1, oldestUnsentAt: 0, refused: 1 }))).toBe(false);
  const unreadable = { members: 2, products: 0, staff: 0 };
  expect(sameStatus(a, computeStatus({ ...base, queueLength: 1, oldestUnsentAt: 0, unreadable }))).toBe(false);
});
