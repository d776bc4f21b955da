import { expect, test } from 'vitest';
import { judgeOfflineRedemption, storeDayStart } from '../../../main/backend/sales/offline-policy.ts';

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
