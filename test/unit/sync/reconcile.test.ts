import { expect, test } from 'vitest';
import { correctionLots, NEVER_EXPIRES, serverBalanceAt, targetBalance } from '../../../main/backend/sync/reconcile.ts';

const NOW = 1_000_000;

test('the displayed balance is the server balance plus the terminal\'s unapplied events', () => {
  expect(targetBalance(700, 0)).toBe(700);
  expect(targetBalance(700, -500)).toBe(200);
  expect(targetBalance(-100, 250)).toBe(150);
});

test('lots already due leave the server balance before its expiry job runs', () => {
  expect(serverBalanceAt(500, [{ remaining: 200, expiresAt: NOW }, { remaining: 300, expiresAt: NOW + 1 }], NOW)).toBe(300);
  expect(serverBalanceAt(500, [{ remaining: 500, expiresAt: null }], NOW)).toBe(500);
  expect(serverBalanceAt(-40, [], NOW)).toBe(-40);
});

test('a positive correction fills the server\'s latest-expiring lots first, then the fallback; oldest first in the answer', () => {
  const lots = [
    { remaining: 100, expiresAt: NOW + 10 },
    { remaining: 200, expiresAt: NOW + 30 },
    { remaining: 50, expiresAt: NOW - 1 }, // expired: ignored
    { remaining: 70, expiresAt: null },
  ];
  expect(correctionLots(250, lots, NOW, NOW + 99)).toEqual([
    { points: 180, expiresAt: NOW + 30 },
    { points: 70, expiresAt: NEVER_EXPIRES },
  ]);
  expect(correctionLots(400, lots, NOW, NOW + 99)).toEqual([
    { points: 100, expiresAt: NOW + 10 },
    { points: 200, expiresAt: NOW + 30 },
    { points: 30, expiresAt: NOW + 99 },
    { points: 70, expiresAt: NEVER_EXPIRES },
  ]);
  expect(correctionLots(0, lots, NOW, NOW)).toEqual([]);
  expect(correctionLots(-5, lots, NOW, NOW)).toEqual([]);
  // The points always add up.
  for (const p of [1, 69, 70, 71, 370, 371, 1000]) expect(correctionLots(p, lots, NOW, NOW + 99).reduce((s, l) => s + l.points, 0)).toBe(p);
});
