import { AppError } from '../../../shared/errors.ts';
import type { TerminalDb } from '../store/connection.ts';
import { checkPin, type Lockout } from '../staff/pin-check.ts';
import { REFUSAL_MESSAGES } from './offline-policy.ts';

/**
 * Checks a manager override before the sale's transaction, so a wrong PIN is
 * counted (and can lock the manager out, with the same lockout as sign-in:
 * staff/pin-check.ts) even though the sale itself is then refused and rolled
 * back. Returns the manager's id.
 */
export function verifyManagerOverride(
  store: TerminalDb,
  lockout: Lockout,
  override: { staffId: string; pin: string },
  now: number,
): string {
  const check = checkPin(
    store,
    lockout,
    { staffId: override.staffId, pin: override.pin, least: 'manager', refusedAction: 'redemption.override.refused' },
    now,
  );
  if (check.ok) return check.staff.id;
  if (check.reason === 'locked')
    throw new AppError('LOCKED_OUT', 'Too many wrong PINs: this manager is locked. Try again later.', { until: check.until });
  throw new AppError('REDEMPTION_NOT_ALLOWED', REFUSAL_MESSAGES.override_refused, { reason: 'override_refused' });
}
