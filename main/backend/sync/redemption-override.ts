import { AppError } from '../../../shared/errors.ts';
import { verifyPin } from '../../../node-shared/pin-hash.ts';
import { hasRole } from '../staff/sessions.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { recordPinFailure, staffById } from '../store/staff.ts';
import { REFUSAL_MESSAGES } from './offline-policy.ts';

/** Wrong manager PINs before that manager is locked out (as at sign-in). */
const OVERRIDE_ATTEMPTS = 5;
const OVERRIDE_LOCK_MS = 15 * 60_000;

/**
 * Checks a manager override before the sale's transaction, so a wrong PIN is
 * counted (and can lock the manager out, as at sign-in) even though the sale
 * itself is then refused and rolled back. Returns the manager's id.
 */
export function verifyManagerOverride(store: TerminalDb, override: { staffId: string; pin: string }, now: number): string {
  const refuse = () => new AppError('REDEMPTION_NOT_ALLOWED', REFUSAL_MESSAGES.override_refused, { reason: 'override_refused' });
  const row = staffById(store.db, override.staffId);
  if (!row || row.active === 0 || !hasRole({ id: row.id, name: row.name, role: row.role }, 'manager')) throw refuse();
  if (row.locked_until !== null && row.locked_until > now) throw new AppError('LOCKED_OUT', 'Too many wrong PINs: this manager is locked. Try again later.', { until: row.locked_until });
  if (!verifyPin(override.pin, row.pin_hash)) {
    const attempts = row.failed_attempts + 1;
    const locks = attempts >= OVERRIDE_ATTEMPTS;
    writeTransaction(store, () => {
      recordPinFailure(store.db, row.id, locks ? 0 : attempts, locks ? now + OVERRIDE_LOCK_MS : null, now);
      audit(store.db, { at: now, staffId: row.id, action: 'redemption.override.refused', subject: row.id, details: { attempts } });
    });
    throw refuse();
  }
  return row.id;
}
