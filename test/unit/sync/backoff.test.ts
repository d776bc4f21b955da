import { expect, test } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../main/backend/sync/backoff.ts';

test('full jitter: between 0 and base·2^attempt, never above the cap', () => {
  expect(backoffDelay(0, () => 0.999)).toBe(999);
  expect(backoffDelay(3, () => 0.5)).toBe(4_000);
  expect(backoffDelay(0, () => 0)).toBe(0);
  expect(backoffDelay(20, () => 0.999)).toBe(Math.floor(0.999 * DEFAULT_BACKOFF.capMs));
  expect(backoffDelay(10_000, () => 0.5)).toBe(150_000);
  expect(backoffDelay(-1, () => 0.5)).toBe(500);
});

test('delays spread uniformly (a fleet does not retry in lockstep)', () => {
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const delays = Array.from({ length: 2000 }, () => backoffDelay(4, random));
  const mean = delays.reduce((s, d) => s + d, 0) / delays.length;
  expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...delays)).toBeLessThan(16_000);
  expect(mean).toBeGreaterThan(7_000);
  expect(mean).toBeLessThan(9_000);
});
