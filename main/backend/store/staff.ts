import type { Role } from '../../../shared/api.ts';
import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

export interface StaffRow {
  id: string;
  name: string;
  role: Role;
  pin_hash: string;
  failed_attempts: number;
  locked_until: number | null;
  active: 0 | 1;
}

export function staffById(db: ReadableDb, id: string): StaffRow | undefined {
  return prepare(db, 'SELECT id, name, role, pin_hash, failed_attempts, locked_until, active FROM staff WHERE id = ?').get(id) as
    StaffRow | undefined;
}

/** Active staff for the sign-in screen, by name (a terminal's staff is a few dozen rows). */
export function activeStaff(db: ReadableDb): Pick<StaffRow, 'id' | 'name' | 'role'>[] {
  return prepare(db, 'SELECT id, name, role FROM staff WHERE active = 1 ORDER BY name, id').all() as Pick<
    StaffRow,
    'id' | 'name' | 'role'
  >[];
}

/** Active staff locked out at `now`, for a manager. */
export function lockedStaff(db: ReadableDb, now: number): StaffRow[] {
  return prepare(
    db,
    'SELECT id, name, role, pin_hash, failed_attempts, locked_until, active FROM staff WHERE active = 1 AND locked_until > ? ORDER BY locked_until',
  ).all(now) as StaffRow[];
}

/** Ends a lockout and forgets the wrong PINs before it (a manager's unlock). */
export function clearLockout(db: WritableDb, id: string, now: number): void {
  prepare(db, 'UPDATE staff SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(now, id);
}

export function upsertStaff(
  db: WritableDb,
  s: { id: string; name: string; role: Role; pinHash: string; active: boolean; now: number },
): void {
  prepare(
    db,
    `INSERT INTO staff (id, name, role, pin_hash, active, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash,
       active = excluded.active, failed_attempts = 0, locked_until = NULL, updated_at = excluded.updated_at`,
  ).run(s.id, s.name, s.role, s.pinHash, s.active ? 1 : 0, s.now);
}

export function recordPinFailure(db: WritableDb, id: string, failedAttempts: number, lockedUntil: number | null, now: number): void {
  prepare(db, 'UPDATE staff SET failed_attempts = ?, locked_until = ?, updated_at = ? WHERE id = ?').run(
    failedAttempts,
    lockedUntil,
    now,
    id,
  );
}

export function recordPinSuccess(db: WritableDb, id: string, now: number): void {
  prepare(
    db,
    'UPDATE staff SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ? AND (failed_attempts <> 0 OR locked_until IS NOT NULL)',
  ).run(now, id);
}

/**
 * Staff the server says no longer work at this till's store: kept (sales and the
 * ledger refer to them) but inactive, with no PIN verifier left.
 */
export function retireStaff(db: WritableDb, ids: readonly string[], now: number): void {
  const retire = prepare(
    db,
    "UPDATE staff SET active = 0, pin_hash = '', failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?",
  );
  for (const id of ids) retire.run(now, id);
}

/** One stored PIN verifier of an active staff member in `format` (its scrypt parameters make an unknown id cost the same). */
export function anyPinVerifier(db: ReadableDb, prefix: string): string | undefined {
  return prepare(db, 'SELECT pin_hash FROM staff WHERE active = 1 AND substr(pin_hash, 1, length(?)) = ? LIMIT 1')
    .pluck()
    .get(prefix, prefix) as string | undefined;
}

/** Rows whose PIN hash still has `prefix` (the server's raw scrypt hash on a till upgraded from before keyed verifiers). */
export function staffWithPinPrefix(db: ReadableDb, prefix: string): { id: string; pin_hash: string }[] {
  return prepare(db, 'SELECT id, pin_hash FROM staff WHERE substr(pin_hash, 1, length(?)) = ?').all(prefix, prefix) as {
    id: string;
    pin_hash: string;
  }[];
}

/** Replaces a staff member's stored PIN verifier (re-keying); nothing else changes. */
export function setPinVerifier(db: WritableDb, id: string, verifier: string): void {
  prepare(db, 'UPDATE staff SET pin_hash = ? WHERE id = ?').run(verifier, id);
}
