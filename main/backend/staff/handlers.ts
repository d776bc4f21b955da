import { AppError } from '../../../shared/errors.ts';
import type { Handlers } from '../handler-types.ts';
import { audit } from '../store/audit.ts';
import { writeTransaction } from '../store/connection.ts';
import { recordPinFailure, recordPinSuccess, staffById } from '../store/staff.ts';
import { hashPin, verifyPin } from '../../../node-shared/pin-hash.ts';

// Checked when the staff id is unknown, so a wrong id costs as long as a wrong PIN.
// Made on first need: hashing at import would slow every backend start.
let dummyHash: string | null = null;

export const staffHandlers = {
  'staff.login': (input, ctx) => {
    const now = ctx.clock.now();
    const db = ctx.store.db;
    const row = staffById(db, input.staffId);
    if (!row || row.active === 0) {
      verifyPin(input.pin, (dummyHash ??= hashPin('000000')));
      ctx.log.log('warn', 'staff.login.refused', { reason: 'unknown staff' });
      throw new AppError('UNAUTHENTICATED', 'Unknown staff member or wrong PIN.');
    }
    if (row.locked_until !== null && row.locked_until > now) {
      throw new AppError('LOCKED_OUT', 'Too many wrong PINs: this staff member is locked. Ask a manager, or try again later.', { until: row.locked_until });
    }
    if (!verifyPin(input.pin, row.pin_hash)) {
      const attempts = row.failed_attempts + 1;
      const locks = attempts >= ctx.lockout.attempts;
      writeTransaction(ctx.store, () => {
        recordPinFailure(db, row.id, locks ? 0 : attempts, locks ? now + ctx.lockout.ms : null, now);
        if (locks) audit(db, { at: now, staffId: row.id, action: 'staff.locked', subject: row.id, details: { attempts } });
      });
      ctx.log.log('warn', 'staff.login.refused', { staffId: row.id, attempts, locked: locks });
      if (locks) {
        throw new AppError('LOCKED_OUT', 'Too many wrong PINs: this staff member is locked. Ask a manager, or try again later.', { until: now + ctx.lockout.ms });
      }
      throw new AppError('UNAUTHENTICATED', 'Unknown staff member or wrong PIN.', { attemptsLeft: ctx.lockout.attempts - attempts });
    }
    writeTransaction(ctx.store, () => {
      recordPinSuccess(db, row.id, now);
      audit(db, { at: now, staffId: row.id, action: 'staff.login', subject: row.id });
    });
    const staff = { id: row.id, name: row.name, role: row.role };
    return { token: ctx.sessions.open(staff, now), staff };
  },

  'staff.logout': (_input, ctx) => {
    ctx.sessions.close(ctx.token);
    return { ok: true as const };
  },
} satisfies Partial<Handlers>;
