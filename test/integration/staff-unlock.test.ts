/**
 * Sign-in by name and PIN, the lockout's attempts left and end, and a manager's unlock on the
 * terminal: audited, refused to a cashier, and the staff list shown before sign-in tells nothing
 * but names and roles.
 */
import { afterEach, expect, test } from 'vitest';
import { createTestTerminal, STAFF, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t.close());

test('the staff list before sign-in has names, roles and a handle, no id; a picked name signs in with its PIN', () => {
  t = createTestTerminal();
  const { staff } = t.call('staff.list', {});
  expect(staff.map((s) => [s.name, s.role])).toEqual([
    ['Admin One', 'admin'],
    ['Cashier One', 'cashier'],
    ['Cashier Two', 'cashier'],
    ['Manager One', 'manager'],
  ]);
  for (const s of staff) {
    expect(Object.keys(s).sort()).toEqual(['name', 'pick', 'role']);
    expect(JSON.stringify(s)).not.toMatch(/cashier-1|cashier-2|manager-1|admin-1/);
  }
  const cashier = staff.find((s) => s.name === 'Cashier One')!;
  expect(t.call('staff.login', { pick: cashier.pick, pin: STAFF.cashier.pin }).staff.id).toBe(STAFF.cashier.id);
  expect(t.fail('staff.login', { pick: 'not-a-real-handle', pin: '1234' }).code).toBe('UNAUTHENTICATED');
});

test('wrong PINs say the attempts left, the fifth locks with its end, a manager unlocks it (audited), and the PIN works again', () => {
  t = createTestTerminal({ lockout: { attempts: 5, ms: 15 * 60_000 } });
  const pick = t.call('staff.list', {}).staff.find((s) => s.name === 'Cashier One')!.pick;
  const left = [1, 2, 3, 4].map(() => t.fail('staff.login', { pick, pin: '0000' }).details?.attemptsLeft);
  expect(left).toEqual([4, 3, 2, 1]);
  const locked = t.fail('staff.login', { pick, pin: '0000' });
  expect(locked.code).toBe('LOCKED_OUT');
  const until = t.clock.now() + 15 * 60_000;
  expect(locked.details?.until).toBe(until);
  // Even the right PIN is refused while locked, with the same end.
  expect(t.fail('staff.login', { pick, pin: STAFF.cashier.pin }).details).toEqual({ until });

  // A cashier cannot unlock; a manager sees the lockout and ends it.
  const other = t.login('cashier2');
  expect(t.fail('staff.lockouts', {}, other).code).toBe('FORBIDDEN');
  expect(t.fail('staff.unlock', { staffId: STAFF.cashier.id }, other).code).toBe('FORBIDDEN');
  const manager = t.login('manager');
  expect(t.call('staff.lockouts', {}, manager).staff).toEqual([
    { staffId: STAFF.cashier.id, pick, name: 'Cashier One', role: 'cashier', lockedUntil: until },
  ]);
  expect(t.call('staff.unlock', { staffId: STAFF.cashier.id }, manager)).toEqual({ staffId: STAFF.cashier.id, wasLocked: true });
  expect(t.call('staff.lockouts', {}, manager).staff).toEqual([]);
  const audit = t.backend.store.db.prepare("SELECT staff_id AS by, subject FROM audit_log WHERE action = 'staff.unlocked'").all() as {
    by: string;
    subject: string;
  }[];
  expect(audit).toEqual([{ by: STAFF.manager.id, subject: STAFF.cashier.id }]);
  // The count starts again from zero: a wrong PIN leaves 4 attempts, the right one signs in.
  expect(t.fail('staff.login', { pick, pin: '0000' }).details?.attemptsLeft).toBe(4);
  expect(t.call('staff.login', { pick, pin: STAFF.cashier.pin }).staff.name).toBe('Cashier One');
});

test('a manager cannot unlock an administrator; an unknown staff id is not found', () => {
  t = createTestTerminal({ lockout: { attempts: 2, ms: 60_000 } });
  for (let i = 0; i < 2; i++) t.fail('staff.login', { staffId: STAFF.admin.id, pin: '0000' });
  const manager = t.login('manager');
  // The admin's lockout is not a manager's to see or end.
  expect(t.call('staff.lockouts', {}, manager).staff).toEqual([]);
  expect(t.fail('staff.unlock', { staffId: STAFF.admin.id }, manager).code).toBe('FORBIDDEN');
  expect(t.fail('staff.unlock', { staffId: 'nobody' }, manager).code).toBe('NOT_FOUND');
  // The lock also ends by itself.
  t.clock.advance(60_001);
  expect(t.call('staff.login', { staffId: STAFF.admin.id, pin: STAFF.admin.pin }).staff.role).toBe('admin');
});
