/**
 * Redemption needs the member present (programme redemption.requirePresence, the default): a
 * member identified by a scan of their card or QR code at this till may redeem; a member found by
 * search needs a manager's PIN, which is audited; a cashier's PIN is no override. Enforced by the
 * backend through the real dispatcher against a real SQLite file, whatever the screens do.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { writeTransaction } from '../../main/backend/store/connection.ts';
import { upsertTokenKey } from '../../main/backend/store/member-token-keys.ts';
import { CARD, LUHN_RANGE, makeKey, tokenFor } from '../fixtures/member-tokens.ts';
import { programWith } from '../fixtures/program.ts';
import { createTestTerminal, STAFF, type TestTerminal } from '../helpers/terminal.ts';

const key = makeKey(5);
let t: TestTerminal;
let cashier: string;
let manager: string;
let member: { id: string };

beforeEach(() => {
  t = createTestTerminal({ program: programWith({ cards: { ranges: [LUHN_RANGE] }, redemption: { requirePresence: true } }) });
  cashier = t.login('cashier');
  manager = t.login('manager');
  writeTransaction(t.backend.store, (db) =>
    upsertTokenKey(db, { keyId: key.keyId, publicKey: key.raw, revokedAt: null, now: t.clock.now() }),
  );
  member = t.enrol(manager, { cardNumber: CARD });
  // Points to spend: a big sale earns them (no redemption in it, so no scan is needed).
  t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'TV', quantity: 2 }] }, cashier);
});
afterEach(() => t.close());

const scan = (text: string, token = cashier) => t.call('scan.resolve', { source: 'wedge', text, at: t.clock.now() }, token);
const basket = () => ({ memberId: member.id, lines: [{ sku: 'TV' }], redemption: { kind: 'points' as const, points: 500 } });
const redeem = (token = cashier, override: { staffId: string; pin: string } | null = null) =>
  t.call('sale.commit', { saleId: uuidv7(), ...basket(), override }, token);
const refuse = (token = cashier, override: { staffId: string; pin: string } | null = null) =>
  t.fail('sale.commit', { saleId: uuidv7(), ...basket(), override }, token);
const balance = () => t.call('member.get', { memberId: member.id }, cashier).balance;
const overrides = () =>
  t.backend.store.db.prepare("SELECT staff_id, details FROM audit_log WHERE action = 'redemption.presence_override'").all() as {
    staff_id: string;
    details: string;
  }[];

describe('redemption needs the member present', () => {
  test('a member scanned by card may redeem; the preview asks for nothing', () => {
    expect(scan(CARD)).toMatchObject({ kind: 'member', via: 'card', member: { id: member.id } });
    expect(t.call('sale.preview', basket(), cashier).limits).not.toHaveProperty('presenceOverride');
    const before = balance();
    const sale = redeem();
    expect(sale.redemption?.points).toBe(500);
    expect(balance()).toBe(before - 500 + sale.earnPoints);
    expect(overrides()).toEqual([]);
  });

  test('a member scanned by their QR code may redeem', () => {
    const token = tokenFor(key, {
      memberId: member.id,
      cardNumber: CARD,
      issuedAt: t.clock.now() - 1000,
      expiresAt: t.clock.now() + 86_400_000,
    });
    expect(scan(token)).toMatchObject({ kind: 'member', via: 'token' });
    expect(redeem().redemption?.points).toBe(500);
  });

  test('found by search: refused without an override, the preview says so, and nothing is spent', () => {
    expect(t.call('member.search', { namePrefix: 'Member' }, cashier).members.map((m) => m.id)).toContain(member.id);
    expect(t.call('sale.preview', basket(), cashier).limits.presenceOverride).toBe(true);
    const before = balance();
    expect(refuse()).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'presence_required', overrideAllowed: true } });
    // A reward is a redemption too.
    expect(
      t.fail(
        'sale.commit',
        { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'COFFEE-CUP' }], redemption: { kind: 'reward', rewardId: 'free-coffee' } },
        cashier,
      ),
    ).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'presence_required' } });
    expect(balance()).toBe(before);
    // Earning needs no scan: a sale without a redemption goes through.
    expect(t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'BREAD' }] }, cashier).redemption).toBeNull();
  });

  test("found by search: a manager's PIN lets it through and is audited; a cashier's PIN is no override", () => {
    const before = balance();
    expect(refuse(cashier, { staffId: STAFF.cashier2.id, pin: STAFF.cashier2.pin })).toMatchObject({
      code: 'REDEMPTION_NOT_ALLOWED',
      details: { reason: 'override_refused' },
    });
    expect(refuse(cashier, { staffId: STAFF.manager.id, pin: '0000' })).toMatchObject({ details: { reason: 'override_refused' } });
    expect(balance()).toBe(before);
    const sale = redeem(cashier, { staffId: STAFF.manager.id, pin: STAFF.manager.pin });
    expect(sale.redemption?.points).toBe(500);
    const audited = overrides();
    expect(audited).toHaveLength(1);
    expect(audited[0]!.staff_id).toBe(STAFF.manager.id);
    expect(JSON.parse(audited[0]!.details)).toMatchObject({ memberId: member.id, points: 500, cashierId: STAFF.cashier.id });
  });

  test('a scan counts for one sale, for the cashier who scanned, and not forever', () => {
    scan(CARD);
    redeem();
    expect(refuse()).toMatchObject({ details: { reason: 'presence_required' } }); // the next sale needs its own scan
    scan(CARD);
    const other = t.login('cashier2');
    expect(refuse(other)).toMatchObject({ details: { reason: 'presence_required' } }); // another till session's scan
    // Half an hour at the till (the session kept alive: it signs out after 5 idle minutes).
    for (let i = 0; i < 8; i++) {
      t.clock.advance(4 * 60_000);
      balance();
    }
    expect(refuse()).toMatchObject({ details: { reason: 'presence_required' } }); // more than half an hour later
    scan(CARD);
    expect(redeem().redemption?.points).toBe(500);
  });

  test('a refused scan (a card of nobody) identifies nobody', () => {
    expect(scan('2900000000000018').kind).not.toBe('member');
    expect(refuse()).toMatchObject({ details: { reason: 'presence_required' } });
  });
});

test('a programme that does not require presence lets a searched member redeem', () => {
  const free = createTestTerminal({ program: programWith({ redemption: { requirePresence: false } }) });
  try {
    const c = free.login('cashier');
    const m = free.enrol(free.login('manager'));
    free.call('sale.commit', { saleId: uuidv7(), memberId: m.id, lines: [{ sku: 'TV', quantity: 2 }] }, c);
    const sale = free.call(
      'sale.commit',
      { saleId: uuidv7(), memberId: m.id, lines: [{ sku: 'TV' }], redemption: { kind: 'points', points: 500 } },
      c,
    );
    expect(sale.redemption?.points).toBe(500);
    expect(free.call('sale.preview', { memberId: m.id, lines: [{ sku: 'TV' }], redemption: null }, c).limits).not.toHaveProperty(
      'presenceOverride',
    );
  } finally {
    free.close();
  }
});
