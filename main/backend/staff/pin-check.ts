import type { Role } from '../../../shared/api.ts';
import { hashPin, verifyPin } from '../../../node-shared/pin-hash.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { recordPinFailure, recordPinSuccess, staffById, type StaffRow } from '../store/staff.ts';
import { hasRole } from './sessions.ts';

/** Wrong PINs in a row before a staff member is locked out, and for how long (Backend.lockout). */
export interface Lockout {
  attempts: number;
  ms: number;
}

export type PinCheck =
  | { ok: true; staff: StaffRow }
  /** No active staff member with this id and role; a PIN was hashed all the same. */
  | { ok: false; reason: 'unknown' }
  /** Locked out before this attempt: no PIN was checked. */
  | { ok: false; reason: 'locked'; staff: StaffRow; until: number }
  /** A wrong PIN, the `attempts`-th in a row; `lockedUntil` is set when it locked the staff member out. */
  | { ok: false; reason: 'wrong'; staff: StaffRow; attempts: number; attemptsLeft: number; lockedUntil: number | null };

// Checked when the staff id is unknown, so a wrong id costs as long as a wrong PIN.
// Made on first need: hashing at import would slow every backend start.
let dummyHash: string | null = null;

/**
 * The one PIN check, for sign-in and a manager's override: wrong PINs are
 * counted per staff member whichever of the two they came through, and
 * `lockout.attempts` of them in a row lock that member out for `lockout.ms`
 * (audited as 'staff.locked'); a right PIN clears the count. `refusedAction`
 * is audited on every wrong PIN and `acceptedAction` on a right one, when given.
 */
export function checkPin(
  store: TerminalDb,
  lockout: Lockout,
  claim: { staffId: string; pin: string; least: Role; refusedAction?: string; acceptedAction?: string },
  now: number,
): PinCheck {
  const row = staffById(store.db, claim.staffId);
  if (!row || row.active === 0 || !hasRole(row, claim.least)) {
    verifyPin(claim.pin, (dummyHash ??= hashPin('000000')));
    return { ok: false, reason: 'unknown' };
  }
  if (row.locked_until !== null && row.locked_until > now) return { ok: false, reason: 'locked', staff: row, until: row.locked_until };
  if (!verifyPin(claim.pin, row.pin_hash)) {
    const attempts = row.failed_attempts + 1;
    const lockedUntil = attempts >= lockout.attempts ? now + lockout.ms : null;
    writeTransaction(store, (db) => {
      recordPinFailure(db, row.id, lockedUntil !== null ? 0 : attempts, lockedUntil, now);
      if (claim.refusedAction !== undefined)
        audit(db, { at: now, staffId: row.id, action: claim.refusedAction, subject: row.id, details: { attempts } });
      if (lockedUntil !== null) audit(db, { at: now, staffId: row.id, action: 'staff.locked', subject: row.id, details: { attempts } });
    });
    return { ok: false, reason: 'wrong', staff: row, attempts, attemptsLeft: lockout.attempts - attempts, lockedUntil };
  }
  const { acceptedAction } = claim;
  if (acceptedAction !== undefined || row.failed_attempts !== 0 || row.locked_until !== null) {
    writeTransaction(store, (db) => {
      recordPinSuccess(db, row.id, now);
      if (acceptedAction !== undefined) audit(db, { at: now, staffId: row.id, action: acceptedAction, subject: row.id });
    });
  }
  return { ok: true, staff: row };
}
