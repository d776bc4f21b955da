/**
 * Staff PINs on the till (staff/pin-verifier.ts, staff/pin-check.ts): stored as
 * keyed verifiers, never as the server's scrypt hash; re-keyed at start on a
 * till upgraded from before; managers' and admins' PINs at least
 * `pins.privilegedMinDigits` long; staff the server removed retired, with their
 * sessions ended.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { hashPin } from '../../node-shared/pin-hash.ts';
import { pullResponseSchema, type PullResponse } from '../../shared/sync-protocol.ts';
import { createBackend } from '../../main/backend/backend.ts';
import { jsonLogger } from '../../main/backend/platform/logging.ts';
import { keysOf } from '../../main/backend/platform/sealed-keys.ts';
import { checkPin } from '../../main/backend/staff/pin-check.ts';
import { dummyVerifier, keyPinHash, pinKeyOf, verifierLike, verifyKeyedPin } from '../../main/backend/staff/pin-verifier.ts';
import { closeTerminalDb, openTerminalDb, writeTransaction } from '../../main/backend/store/connection.ts';
import { staffById, upsertStaff } from '../../main/backend/store/staff.ts';
import { applyPullPage } from '../../main/backend/sync/pull-page.ts';
import { demoProgram } from '../fixtures/program.ts';
import { createTestTerminal, SATURDAY, STAFF, tempDir, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal | null = null;
const cleanup: (() => void)[] = [];
afterEach(() => {
  t?.close();
  t = null;
  for (const c of cleanup.splice(0)) c();
});

function page(fields: Partial<PullResponse>): PullResponse {
  return pullResponseSchema.parse({
    members: [],
    programs: [],
    products: [],
    staff: [],
    publicKeys: [],
    revokedTokens: [],
    nextCursor: 'c1',
    more: false,
    terminalAppliedSeq: 0,
    serverTime: SATURDAY,
    ...fields,
  });
}

/** A staff member as a pull brings them (the server's cheap test hash). */
function pulled(id: string, role: 'cashier' | 'manager' | 'admin', pin: string, active = true) {
  return { id, name: `${role} ${id}`, role, pinHash: hashPin(pin, 1024), active };
}

const failedAttempts = (tt: TestTerminal, id: string) => staffById(tt.backend.store.db, id)?.failed_attempts;

describe('privileged PINs', () => {
  test('a manager PIN shorter than the minimum is refused like a wrong PIN, counted, and locks out', () => {
    t = createTestTerminal();
    applyPullPage(t.backend.store, page({ staff: [pulled('manager-4', 'manager', '4455')] }), t.clock.now());
    for (let i = 1; i <= 4; i++) {
      const error = t.fail('staff.login', { staffId: 'manager-4', pin: '4455' });
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.details).toEqual({ attemptsLeft: 5 - i });
      expect(failedAttempts(t, 'manager-4')).toBe(i);
    }
    expect(t.fail('staff.login', { staffId: 'manager-4', pin: '4455' }).code).toBe('LOCKED_OUT');
    // The same check guards a manager's override.
    const lockout = { attempts: 5, ms: 60_000 };
    const override = checkPin(t.backend.store, lockout, { staffId: 'manager-4', pin: '4455', least: 'manager' }, t.clock.now());
    expect(override).toMatchObject({ ok: false, reason: 'locked' });
  });

  test('a cashier’s 4-digit PIN and a manager’s 6-digit PIN are fine', () => {
    t = createTestTerminal();
    expect(STAFF.cashier.pin).toHaveLength(4);
    expect(t.call('staff.login', { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin }).staff.role).toBe('cashier');
    expect(STAFF.manager.pin).toHaveLength(6);
    expect(t.call('staff.login', { staffId: STAFF.manager.id, pin: STAFF.manager.pin }).staff.role).toBe('manager');
    expect(failedAttempts(t, STAFF.manager.id)).toBe(0);
  });

  test('the programme sets the minimum', () => {
    t = createTestTerminal({ program: { ...demoProgram, pins: { privilegedMinDigits: 4 } } });
    applyPullPage(t.backend.store, page({ staff: [pulled('admin-4', 'admin', '4455')] }), t.clock.now());
    expect(t.call('staff.login', { staffId: 'admin-4', pin: '4455' }).staff.role).toBe('admin');
  });
});

describe('keyed verifiers', () => {
  test('a pulled PIN hash is stored keyed; an inactive staff member keeps none', () => {
    t = createTestTerminal();
    const cashier = pulled('cashier-9', 'cashier', '8642');
    applyPullPage(t.backend.store, page({ staff: [cashier, pulled('cashier-10', 'cashier', '1357', false)] }), t.clock.now());
    const stored = staffById(t.backend.store.db, 'cashier-9')!.pin_hash;
    expect(stored).toMatch(/^keyed1\$1024\$8\$1\$32\$/);
    expect(stored).not.toContain(cashier.pinHash.split('$')[5]);
    expect(stored).toBe(keyPinHash(cashier.pinHash, pinKeyOf(t.backend.store)));
    expect(staffById(t.backend.store.db, 'cashier-10')!.pin_hash).toBe('');
    expect(t.call('staff.login', { staffId: 'cashier-9', pin: '8642' }).staff.id).toBe('cashier-9');
    // Under any other key the verifier matches nothing.
    expect(verifyKeyedPin('8642', stored, Buffer.alloc(32))).toBe(false);
  });

  test('an unknown id is checked against a verifier with a real staff member’s scrypt parameters', () => {
    t = createTestTerminal();
    const like = verifierLike(t.backend.store)!;
    const dummy = dummyVerifier(like);
    expect(dummy.split('$').slice(0, 5)).toEqual(like.split('$').slice(0, 5));
    expect(dummy).not.toBe(like);
    expect(t.fail('staff.login', { staffId: 'nobody', pin: '1234' }).message).toBe(
      t.fail('staff.login', { staffId: STAFF.cashier.id, pin: '4321' }).message,
    );
  });

  test('a store opened without the device key stores no pulled PIN: the page is refused whole', () => {
    const dir = tempDir();
    cleanup.push(dir.remove);
    const store = openTerminalDb(join(dir.path, 'terminal.sqlite'));
    cleanup.unshift(() => closeTerminalDb(store));
    expect(() => applyPullPage(store, page({ staff: [pulled('cashier-9', 'cashier', '8642')] }), SATURDAY)).toThrow(/device key/);
    expect(staffById(store.db, 'cashier-9')).toBeUndefined();
  });

  test('raw scrypt hashes of a till upgraded from before are re-keyed at start, in one go', () => {
    const dir = tempDir();
    cleanup.push(dir.remove);
    const dbPath = join(dir.path, 'terminal.sqlite');
    const old = openTerminalDb(dbPath);
    writeTransaction(old, (db) => {
      upsertStaff(db, { id: 'c-1', name: 'C One', role: 'cashier', pinHash: hashPin('2580', 1024), active: true, now: SATURDAY });
      upsertStaff(db, { id: 'm-1', name: 'M One', role: 'manager', pinHash: hashPin('258025', 1024), active: true, now: SATURDAY });
    });
    closeTerminalDb(old);

    const lines: string[] = [];
    const backend = createBackend({ dbPath, storeId: 'store-1', log: jsonLogger((l) => lines.push(l)) });
    cleanup.unshift(() => closeTerminalDb(backend.store));
    const hashes = backend.store.db.prepare('SELECT pin_hash FROM staff ORDER BY id').pluck().all() as string[];
    expect(hashes).toHaveLength(2);
    for (const h of hashes) expect(h).toMatch(/^keyed1\$/);
    const lockout = { attempts: 5, ms: 60_000 };
    expect(checkPin(backend.store, lockout, { staffId: 'c-1', pin: '2580', least: 'cashier' }, SATURDAY).ok).toBe(true);
    expect(checkPin(backend.store, lockout, { staffId: 'm-1', pin: '258025', least: 'manager' }, SATURDAY).ok).toBe(true);
    const rekeyed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'staff.pins_rekeyed');
    expect(JSON.stringify(rekeyed)).toContain('"count":2');
    for (const l of lines) expect(l).not.toMatch(/scrypt\$|keyed1\$/);
    expect(keysOf(backend.store).pinVerifier()).toHaveLength(32);
  });
});

describe('staff removed by the server', () => {
  test('are kept inactive with no verifier, cannot sign in, and their open session ends', () => {
    t = createTestTerminal();
    const token = t.login('cashier');
    expect(t.call('staff.logout', {}, t.login('cashier2')).ok).toBe(true);
    const kept = t.login('cashier2');
    applyPullPage(t.backend.store, page({ staffRemoved: [STAFF.cashier.id, 'never-here'] }), t.clock.now());
    const row = staffById(t.backend.store.db, STAFF.cashier.id)!;
    expect(row).toMatchObject({ active: 0, pin_hash: '' });
    expect(t.fail('staff.logout', {}, token).code).toBe('UNAUTHENTICATED');
    expect(t.fail('staff.login', { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin }).code).toBe('UNAUTHENTICATED');
    expect(t.call('staff.list', {}).staff.map((s) => s.name)).not.toContain('Cashier One');
    // Everyone else carries on.
    expect(t.call('staff.logout', {}, kept).ok).toBe(true);
  });
});
