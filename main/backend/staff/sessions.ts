import { createHmac, randomBytes } from 'node:crypto';
import type { Role } from '../../../shared/api.ts';

export interface SessionStaff {
  id: string;
  name: string;
  role: Role;
}

const RANK: Record<Role, number> = { cashier: 0, manager: 1, admin: 2 };

export function hasRole(staff: SessionStaff, least: Role): boolean {
  return RANK[staff.role] >= RANK[least];
}

/**
 * Signed-in staff, in memory only: a restart signs everyone out. Tokens are
 * random and expire after `idleMs` without use (auto sign-out at the till).
 */
export class Sessions {
  private readonly byToken = new Map<string, { staff: SessionStaff; lastUsed: number }>();

  /** Keys the pick handles of the sign-in screen's staff list: new at each start, so a handle outlives no restart. */
  private readonly pickKey = randomBytes(32);

  /**
   * `current` says whether the staff member behind a session still works here with that role
   * (a pull can retire them or change their role): a session whose staff is not current ends at its next use.
   */
  constructor(
    private readonly idleMs: number,
    private readonly current: (staff: SessionStaff) => boolean = () => true,
  ) {}

  /**
   * The handle the sign-in screen's staff list gives a staff member instead of the id: the screen
   * shown before anyone signs in learns names and roles, never a staff id. Stable until the backend restarts.
   */
  pickHandle(staffId: string): string {
    return createHmac('sha256', this.pickKey).update(staffId).digest('base64url').slice(0, 22);
  }

  open(staff: SessionStaff, now: number): string {
    const token = randomBytes(24).toString('base64url');
    this.byToken.set(token, { staff, lastUsed: now });
    return token;
  }

  /** The staff behind a token, refreshing its idle timer; null when unknown or idle too long. */
  touch(token: string | null | undefined, now: number): SessionStaff | null {
    if (!token) return null;
    const session = this.byToken.get(token);
    if (!session) return null;
    if (now - session.lastUsed > this.idleMs || !this.current(session.staff)) {
      this.byToken.delete(token);
      return null;
    }
    session.lastUsed = now;
    return session.staff;
  }

  close(token: string | null | undefined): void {
    if (token) this.byToken.delete(token);
  }
}
