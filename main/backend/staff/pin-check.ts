import type { Role } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { pinPolicy } from '../../../shared/program.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction, type ReadableDb, type TerminalDb } from '../store/connection.ts';
import { currentProgram } from '../store/program.ts';
import { recordPinFailure, recordPinSuccess, staffById, type StaffRow } from '../store/staff.ts';
import { dummyVerifier, isKeyedVerifier, pinKeyOf, verifierLike, verifyKeyedPin } from './pin-verifier.ts';
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

/**
 * The one PIN check, for sign-in and a manager's override: wrong PINs are
 * counted per staff member whichever of the two they came through, and
 * `lockout.attempts` of them in a row lock that member out for `lockout.ms`
 * (audited as 'staff.locked'); a right PIN clears the count. `refusedAction`
 * is audited on every wrong PIN and `acceptedAction` on a right one, when given.
 * PINs are checked against the keyed verifiers (pin-verifier.ts); a manager's or
 * admin's PIN shorter than the programme's `pins.privilegedMinDigits` is refused
 * as a wrong PIN (and counted), even if it is the stored one.
 */
export function checkPin(
  store: TerminalDb,
  lockout: Lockout,
  claim: { staffId: string; pin: string; least: Role; refusedAction?: string; acceptedAction?: string },
  now: number,
): PinCheck {
  const pinKey = pinKeyOf(store);
  const row = staffById(store.db, claim.staffId);
  if (!row || row.active === 0 || !hasRole(row, claim.least)) {
    // A wrong id costs what a wrong PIN costs: the same scrypt parameters, then the HMAC.
    verifyKeyedPin(claim.pin, dummyVerifier(verifierLike(store)), pinKey);
    return { ok: false, reason: 'unknown' };
  }
  if (row.locked_until !== null && row.locked_until > now) return { ok: false, reason: 'locked', staff: row, until: row.locked_until };
  // A row with no usable verifier (a legacy hash not yet re-keyed, a blanked one) costs a real check too, and matches nothing.
  const usable = isKeyedVerifier(row.pin_hash);
  const checked = verifyKeyedPin(claim.pin, usable ? row.pin_hash : dummyVerifier(verifierLike(store)), pinKey);
  const matches = usable && checked;
  if (!matches || claim.pin.length < minDigits(store.db, row.role)) {
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

/** The fewest digits a PIN of `role` may have: managers and admins unlock overrides, refunds and adjustments. */
function minDigits(db: ReadableDb, role: Role): number {
  if (role === 'cashier') return 0;
  try {
    return pinPolicy(currentProgram(db)).privilegedMinDigits;
  } catch (error) {
    if (error instanceof AppError && error.code === 'PROGRAM_MISSING') return pinPolicy(null).privilegedMinDigits;
    throw error;
  }
}
