import { expect, test } from 'vitest';
import {
  balanceCorrection,
  correctionLots,
  keepsLocalTier,
  NEVER_EXPIRES,
  openingBalance,
  serverBalanceAt,
  targetBalance,
} from '../../../main/backend/sync/reconcile.ts';

const NOW = 1_000_000;

test("the displayed balance is the server balance plus the terminal's unapplied events", () => {
  expect(targetBalance(700, 0)).toBe(700);
  expect(targetBalance(700, -500)).toBe(200);
  expect(targetBalance(-100, 250)).toBe(150);
});

test('lots already due leave the server balance before its expiry job runs', () => {
  expect(
    serverBalanceAt(
      500,
      [
        { remaining: 200, expiresAt: NOW },
        { remaining: 300, expiresAt: NOW + 1 },
      ],
      NOW,
    ),
  ).toBe(300);
  expect(serverBalanceAt(500, [{ remaining: 500, expiresAt: null }], NOW)).toBe(500);
  expect(serverBalanceAt(-40, [], NOW)).toBe(-40);
});

test("a positive correction fills the server's latest-expiring lots first, then the fallback; oldest first in the answer", () => {
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

test("a held member moves to the server balance plus its pending points: a credit in the server's lots, a debit, or nothing", () => {
  const server = {
    balance: 500,
    lots: [
      { remaining: 100, expiresAt: NOW - 1 },
      { remaining: 400, expiresAt: NOW + 50 },
    ],
  };
  // 400 once the due lot is out, + 30 pending = 430.
  expect(balanceCorrection(430, server, 30, NOW, NOW + 99)).toEqual({ kind: 'none' });
  expect(balanceCorrection(330, server, 30, NOW, NOW + 99)).toEqual({ kind: 'credit', lots: [{ points: 100, expiresAt: NOW + 50 }] });
  // Another till spent 200: a debit, which may leave a debt.
  expect(balanceCorrection(630, server, 30, NOW, NOW + 99)).toEqual({ kind: 'debit', points: 200 });
  expect(balanceCorrection(0, { balance: -40, lots: [] }, 0, NOW, NOW + 99)).toEqual({ kind: 'debit', points: 40 });
});

test("a member never held opens at the server balance in the server's lots; a pending event keeps the local tier", () => {
  expect(openingBalance({ balance: 300, lots: [{ remaining: 300, expiresAt: null }] }, NOW, NOW + 99)).toEqual({
    points: 300,
    lots: [{ points: 300, expiresAt: NEVER_EXPIRES }],
  });
  expect(openingBalance({ balance: -20, lots: [] }, NOW, NOW + 99)).toEqual({ points: -20, lots: [] });
  expect(openingBalance({ balance: 50, lots: [{ remaining: 50, expiresAt: NOW }] }, NOW, NOW + 99)).toEqual({ points: 0, lots: [] });
  expect(keepsLocalTier(0)).toBe(false);
  expect(keepsLocalTier(-5)).toBe(true);
});
