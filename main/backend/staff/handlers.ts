import { AppError } from '../../../shared/errors.ts';
import type { Handlers } from '../handler-types.ts';
import { checkPin } from './pin-check.ts';

const LOCKED = 'Too many wrong PINs: this staff member is locked. Ask a manager, or try again later.';

export const staffHandlers = {
  'staff.login': (input, ctx) => {
    const now = ctx.clock.now();
    const check = checkPin(
      ctx.store,
      ctx.lockout,
      { staffId: input.staffId, pin: input.pin, least: 'cashier', acceptedAction: 'staff.login' },
      now,
    );
    if (!check.ok) {
      if (check.reason === 'unknown') {
        ctx.log.log('warn', 'staff.login.refused', { reason: 'unknown staff' });
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
} satisfies Partial<Handlers>;
