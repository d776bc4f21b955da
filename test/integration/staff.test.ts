import { afterEach, describe, expect, test } from 'vitest';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { createTestTerminal, STAFF, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t.close());

describe('staff sign-in', () => {
  test('a right PIN opens a session with the staff member and role', () => {
    t = createTestTerminal();
    const result = t.call('staff.login', { staffId: STAFF.manager.id, pin: STAFF.manager.pin });
    expect(result.staff).toEqual({ id: STAFF.manager.id, name: 'Manager One', role: 'manager' });
    expect(result.token.length).toBeGreaterThan(20);
  });

  test('wrong PINs count down, the fifth locks the account even against the right PIN, and the lock ends', () => {
    t = createTestTerminal();
    for (let i = 1; i <= 4; i++) {
      const error = t.fail('staff.login', { staffId: STAFF.cashier.id, pin: '0000' });
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.details).toEqual({ attemptsLeft: 5 - i });
    }
    expect(t.fail('staff.login', { staffId: STAFF.cashier.id, pin: '0000' }).code).toBe('LOCKED_OUT');
    expect(t.fail('staff.login', { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin }).code).toBe('LOCKED_OUT');
    const locked = t.backend.store.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'staff.locked'").pluck().get();
    expect(locked).toBe(1);

    t.clock.advance(15 * 60_000 + 1);
    expect(t.call('staff.login', { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin }).staff.role).toBe('cashier');
  });

  test('an unknown staff id and a wrong PIN get the same answer', () => {
    t = createTestTerminal();
    const unknown = t.fail('staff.login', { staffId: 'nobody', pin: '1234' });
    const wrong = t.fail('staff.login', { staffId: STAFF.cashier.id, pin: '4321' });
    expect(unknown.message).toBe(wrong.message);
  });

  test('PINs are stored as keyed verifiers (never the scrypt hash as the server sent it), never in clear', () => {
    t = createTestTerminal();
    const hashes = t.backend.store.db.prepare('SELECT pin_hash FROM staff').pluck().all() as string[];
    for (const hash of hashes) {
      expect(hash).toMatch(/^keyed1\$\d+\$8\$1\$32\$/);
      for (const { pin } of Object.values(STAFF)) expect(hash).not.toContain(pin);
    }
  });

  test('a malformed PIN is a validation error naming the field', () => {
    t = createTestTerminal();
    const error = t.fail('staff.login', { staffId: STAFF.cashier.id, pin: '12ab' });
    expect(error.code).toBe('VALIDATION');
    expect(error.details).toEqual({ issues: [{ path: 'pin', message: 'a PIN is 4 to 8 digits' }] });
  });
});

describe('a manager override checks the PIN as sign-in does', () => {
  const sale = (memberId: string, pin: string) => ({
    saleId: uuidv7(),
    memberId,
    lines: [{ sku: 'BREAD' }],
    override: { staffId: STAFF.manager.id, pin },
  });

  test('wrong override PINs count against the configured lockout; a locked-out manager cannot override or sign in until it ends', () => {
    t = createTestTerminal({ lockout: { attempts: 3, ms: 60_000 } });
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager'));
    for (let i = 1; i <= 3; i++) {
      expect(t.fail('sale.commit', sale(member.id, '0000'), cashier)).toMatchObject({
        code: 'REDEMPTION_NOT_ALLOWED',
        details: { reason: 'override_refused' },
      });
    }
    expect(t.fail('sale.commit', sale(member.id, STAFF.manager.pin), cashier).code).toBe('LOCKED_OUT');
    expect(t.fail('staff.login', { staffId: STAFF.manager.id, pin: STAFF.manager.pin }).code).toBe('LOCKED_OUT');
    const audit = (action: string) => t.backend.store.db.prepare('SELECT count(*) FROM audit_log WHERE action = ?').pluck().get(action);
    expect(audit('redemption.override.refused')).toBe(3);
    expect(audit('staff.locked')).toBe(1);
    expect(t.backend.store.db.prepare('SELECT count(*) FROM sales WHERE member_id = ?').pluck().get(member.id)).toBe(0);

    t.clock.advance(60_000 + 1);
    expect(t.call('sale.commit', sale(member.id, STAFF.manager.pin), cashier).saleId).toBeDefined();
  });

  test('wrong PINs at sign-in and at the override add up, and a right PIN clears the count', () => {
    t = createTestTerminal({ lockout: { attempts: 3, ms: 60_000 } });
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager'));
    expect(t.fail('staff.login', { staffId: STAFF.manager.id, pin: '0000' }).details).toEqual({ attemptsLeft: 2 });
    t.fail('sale.commit', sale(member.id, '0000'), cashier);
    expect(t.fail('staff.login', { staffId: STAFF.manager.id, pin: '0000' }).code).toBe('LOCKED_OUT');

    t.clock.advance(60_000 + 1);
    t.fail('sale.commit', sale(member.id, '0000'), cashier);
    t.call('sale.commit', sale(member.id, STAFF.manager.pin), cashier);
    expect(t.fail('staff.login', { staffId: STAFF.manager.id, pin: '0000' }).details).toEqual({ attemptsLeft: 2 });
  });
});

describe('authorisation is enforced by the backend', () => {
  test('no session, a bad token, or an idle session: sign in again', () => {
    t = createTestTerminal();
    expect(t.fail('member.byCard', { card: 'X' }).code).toBe('UNAUTHENTICATED');
    expect(t.fail('member.byCard', { card: 'X' }, 'forged-token').code).toBe('UNAUTHENTICATED');
    const token = t.login('cashier');
    t.clock.advance(5 * 60_000 + 1);
    expect(t.fail('member.byCard', { card: 'X' }, token).code).toBe('UNAUTHENTICATED');
  });

  test('a cashier cannot enrol, refund, adjust or read the day report; a manager can', () => {
    t = createTestTerminal();
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const member = t.enrol(manager);
    const id = '01950000-0000-7000-8000-000000000001';
    expect(t.fail('member.enrol', { memberId: id, name: 'X', consentMarketing: false }, cashier).code).toBe('FORBIDDEN');
    expect(t.fail('points.adjust', { adjustmentId: id, memberId: member.id, points: 10, reason: 'goodwill' }, cashier).code).toBe(
      'FORBIDDEN',
    );
    expect(t.fail('sale.refund', { refundId: id, saleId: id, lines: [{ lineNo: 1, quantity: 1 }] }, cashier).code).toBe('FORBIDDEN');
    expect(t.fail('report.endOfDay', {}, cashier).code).toBe('FORBIDDEN');
    expect(t.call('report.endOfDay', {}, manager).enrolments).toBe(1);
  });

  test('after sign-out the token no longer works', () => {
    t = createTestTerminal();
    const token = t.login('cashier');
    t.call('staff.logout', {}, token);
    expect(t.fail('report.endOfDay', {}, token).code).toBe('UNAUTHENTICATED');
  });

  test('an unknown command and a garbage envelope are refused with a typed error', () => {
    t = createTestTerminal();
    expect(t.fail('no.such' as 'staff.logout', {}).code).toBe('VALIDATION');
  });
});
