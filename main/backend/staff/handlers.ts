import { AppError } from '../../../shared/errors.ts';
import type { Handlers } from '../handler-types.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction } from '../store/connection.ts';
import { activeStaff, clearLockout, lockedStaff, staffById } from '../store/staff.ts';
import { checkPin } from './pin-check.ts';
import { hasRole } from './sessions.ts';

const LOCKED = 'Too many wrong PINs: this staff member is locked. A manager can unlock it on this terminal, or try again later.';

export const staffHandlers = {
  'staff.login': (input, ctx) => {
    const now = ctx.clock.now();
    // A name picked from the list comes as its handle; an unknown handle is an unknown staff member.
    const staffId =
      'staffId' in input
        ? input.staffId
        : (activeStaff(ctx.store.db).find((s) => ctx.sessions.pickHandle(s.id) === input.pick)?.id ?? '\u0000unknown');
    const check = checkPin(ctx.store, ctx.lockout, { staffId, pin: input.pin, least: 'cashier', acceptedAction: 'staff.login' }, now);
    if (!check.ok) {
      if (check.reason === 'unknown') {
        ctx.log.log('warn', 'staff.login.refused', { cause: 'unknown staff' });
        throw new AppError('UNAUTHENTICATED', 'Unknown staff member or wrong PIN.');
      }
      if (check.reason === 'locked') throw new AppError('LOCKED_OUT', LOCKED, { until: check.until });
      const locked = check.lockedUntil !== null;
      ctx.log.log('warn', 'staff.login.refused', { staffId: check.staff.id, attempts: check.attempts, locked });
      if (locked) throw new AppError('LOCKED_OUT', LOCKED, { until: check.lockedUntil });
      throw new AppError('UNAUTHENTICATED', 'Unknown staff member or wrong PIN.', { attemptsLeft: check.attemptsLeft });
    }
    const staff = { id: check.staff.id, name: check.staff.name, role: check.staff.role };
    return { token: ctx.sessions.open(staff, now), staff };
  },

  'staff.logout': (_input, ctx) => {
    ctx.sessions.close(ctx.token);
    return { ok: true as const };
  },

  // Before sign-in: names and roles, and a handle instead of the id.
  'staff.list': (_input, ctx) => ({
    staff: activeStaff(ctx.store.db).map((s) => ({ pick: ctx.sessions.pickHandle(s.id), name: s.name, role: s.role })),
  }),

  'staff.lockouts': (_input, ctx) => ({
    staff: lockedStaff(ctx.store.db, ctx.clock.now())
      .filter((s) => hasRole(ctx.staff, s.role))
      .map((s) => ({ staffId: s.id, pick: ctx.sessions.pickHandle(s.id), name: s.name, role: s.role, lockedUntil: s.locked_until! })),
  }),

  /** A manager unlocks staff of their own role or below (an admin anyone); audited with who and whom. */
  'staff.unlock': (input, ctx) => {
    const now = ctx.clock.now();
    const row = staffById(ctx.store.db, input.staffId);
    if (!row || row.active === 0) throw new AppError('NOT_FOUND', 'No active staff member with this id on this terminal.');
    if (!hasRole(ctx.staff, row.role)) throw new AppError('FORBIDDEN', 'Only an administrator can unlock an administrator.');
    const wasLocked = row.locked_until !== null && row.locked_until > now;
    if (row.failed_attempts !== 0 || row.locked_until !== null) {
      writeTransaction(ctx.store, (db) => {
        clearLockout(db, row.id, now);
        audit(db, {
          at: now,
          staffId: ctx.staff.id,
          action: 'staff.unlocked',
          subject: row.id,
          details: { wasLocked, failedAttempts: row.failed_attempts },
        });
      });
    }
    ctx.log.log('info', 'staff.unlocked', { by: ctx.staff.id, staffId: row.id, wasLocked });
    return { staffId: row.id, wasLocked };
  },
} satisfies Partial<Handlers>;
