import { expect, test } from 'vitest';
import {
  judgedOffline,
  judgeOfflineRedemption,
  offlineAllowance,
  offlineLimits,
  storeDayStart,
} from '../../../main/backend/sales/offline-policy.ts';

const caps = { memberPerDay: 500, terminalPerDay: 2_000 };

test('within both caps; the member cap; the terminal cap; what remains', () => {
  expect(judgeOfflineRedemption(500, { member: 0, terminal: 0 }, caps)).toEqual({ allowed: true, reason: null, capRemaining: 500 });
  expect(judgeOfflineRedemption(100, { member: 450, terminal: 0 }, caps)).toEqual({
    allowed: false,
    reason: 'member_daily_cap',
    capRemaining: 50,
  });
  expect(judgeOfflineRedemption(300, { member: 0, terminal: 1_800 }, caps)).toEqual({
    allowed: false,
    reason: 'terminal_daily_cap',
    capRemaining: 200,
  });
  expect(judgeOfflineRedemption(1, { member: 900, terminal: 9_000 }, caps)).toMatchObject({ allowed: false, capRemaining: 0 });
  expect(judgeOfflineRedemption(1, { member: 0, terminal: 0 }, { memberPerDay: 0, terminalPerDay: 0 })).toMatchObject({
    allowed: false,
    reason: 'member_daily_cap',
  });
});

test('days are store-local, across a DST change', () => {
  // 31 March 2024 in Paris: clocks go forward at 02:00.
  expect(storeDayStart(Date.UTC(2024, 2, 31, 20, 0), 'Europe/Paris')).toBe(Date.UTC(2024, 2, 30, 23, 0));
  expect(storeDayStart(Date.UTC(2024, 2, 31, 22, 30), 'Europe/Paris')).toBe(Date.UTC(2024, 2, 31, 22, 0));
  expect(storeDayStart(Date.UTC(2024, 0, 1, 4, 0), 'America/New_York')).toBe(Date.UTC(2023, 11, 31, 5, 0));
});

test("what the checkout offers offline: whole steps within the engine's limits and what the caps leave", () => {
  const engine = { minPoints: 100, maxPoints: 1_350, stepPoints: 50 };
  expect(offlineLimits(engine, offlineAllowance({ member: 0, terminal: 0 }, caps))).toEqual({
    remaining: 500,
    limitedBy: 'member',
    maxWithoutOverride: 500,
  });
  // 480 left: the offer stops at the last whole step below it.
  expect(offlineLimits(engine, offlineAllowance({ member: 20, terminal: 0 }, caps)).maxWithoutOverride).toBe(450);
  // Less than the minimum left: nothing without a manager.
  expect(offlineLimits(engine, offlineAllowance({ member: 450, terminal: 0 }, caps))).toMatchObject({
    remaining: 50,
    maxWithoutOverride: 0,
  });
  // The terminal's cap is the smaller one.
  expect(offlineLimits(engine, offlineAllowance({ member: 0, terminal: 1_800 }, caps))).toEqual({
    remaining: 200,
    limitedBy: 'terminal',
    maxWithoutOverride: 200,
  });
  // A small basket limits more than the caps do.
  expect(offlineLimits({ ...engine, maxPoints: 300 }, offlineAllowance({ member: 0, terminal: 0 }, caps)).maxWithoutOverride).toBe(300);
});

test('judged offline: paired and the last round failed; "syncing" keeps the last settled answer', () => {
  const status = (state: 'online' | 'offline' | 'syncing' | 'error', lastSuccessAt: number | null = 1) => ({
    paired: true,
    state,
    lastSuccessAt,
  });
  expect(judgedOffline({ ...status('offline'), paired: false }, true)).toBe(false);
  expect(judgedOffline(status('online'), true)).toBe(false);
  expect(judgedOffline(status('offline'), false)).toBe(true);
  expect(judgedOffline(status('error'), undefined)).toBe(true);
  expect(judgedOffline(status('syncing'), true)).toBe(true);
  expect(judgedOffline(status('syncing'), false)).toBe(false);
  expect(judgedOffline(status('syncing', null), undefined)).toBe(true);
  expect(judgedOffline(status('syncing'), undefined)).toBe(false);
});
