/**
 * Online redemption holds: reserve points before the sale, post them with the
 * sale (sale.committed carries holdId), release them on a void or an abandoned
 * sale. available = balance − active unexpired holds. A hold past its expiry
 * simply stops counting. Holds do not change pulled rows, so they take no change lock.
 * Their row locks follow the server's one order (store/lock-order.ts): the
 * terminal's row shared, then the member, then the hold.
 */
import type { HoldRequest, HoldResponse } from '../../shared/sync-protocol.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { lockHold, lockMembers, shareTerminal, type HoldRow } from '../store/lock-order.ts';

async function heldPoints(tx: Queryable, memberId: string, now: number): Promise<number> {
  const [row] = await tx.query<{ held: number }>(
    "SELECT coalesce(sum(points), 0)::bigint AS held FROM holds WHERE member_id = $1 AND status = 'active' AND expires_at > $2",
    [memberId, now],
  );
  return row?.held ?? 0;
}

async function view(tx: Queryable, hold: HoldRow, now: number): Promise<HoldResponse> {
  const [member] = await tx.query<{ balance: number }>('SELECT balance FROM members WHERE id = $1', [hold.member_id]);
  const status = hold.status === 'active' && hold.expires_at <= now ? 'expired' : hold.status;
  return {
    holdId: hold.id,
    status,
    points: hold.points,
    expiresAt: hold.expires_at,
    available: (member?.balance ?? 0) - (await heldPoints(tx, hold.member_id, now)),
  };
}

export async function placeHold(db: Db, terminalId: string, req: HoldRequest, now: number): Promise<HoldResponse> {
  return db.transaction(
    async (tx) => {
      // The terminal's row first, shared (the INSERT's foreign key would take it late, after the member: the old deadlock with a push).
      if (!(await shareTerminal(tx, terminalId))) throw new Error('authenticated terminal vanished');
      // Then the member: two terminals reserving the same points serialise here.
      const member = (await lockMembers(tx, [req.memberId])).get(req.memberId);
      const [existing] = await tx.query<HoldRow>('SELECT id, terminal_id, member_id, points, expires_at, status FROM holds WHERE id = $1', [
        req.holdId,
      ]);
      if (existing !== undefined) {
        if (existing.terminal_id !== terminalId || existing.member_id !== req.memberId || existing.points !== req.points) {
          throw new HttpError(409, 'CONFLICT', 'This hold id was already used for a different hold.', { holdId: req.holdId });
        }
        return view(tx, existing, now);
      }
      if (member === undefined || member.status === 'pending_enrolment') throw notFound('No such member.', { memberId: req.memberId });
      if (member.status === 'blocked') throw new HttpError(409, 'MEMBER_BLOCKED', 'This member is blocked: points cannot be redeemed.');
      const available = member.balance - (await heldPoints(tx, req.memberId, now));
      if (req.points > available) {
        throw new HttpError(409, 'INSUFFICIENT_POINTS', `Only ${Math.max(0, available)} points are available.`, { available });
      }
      const expiresAt = now + req.ttlMs;
      await tx.query(
        "INSERT INTO holds (id, terminal_id, member_id, points, created_at, expires_at, status) VALUES ($1, $2, $3, $4, $5, $6, 'active')",
        [req.holdId, terminalId, req.memberId, req.points, now, expiresAt],
      );
      return { holdId: req.holdId, status: 'active', points: req.points, expiresAt, available: available - req.points };
    },
    { name: 'hold' },
  );
}

/** Releasing a hold that is no longer active changes nothing and reports its status. */
export async function releaseHold(db: Db, terminalId: string, holdId: string, now: number): Promise<HoldResponse> {
  return db.transaction(
    async (tx) => {
      // Only the hold is locked (the member's balance is read, not changed): the last level of the lock order alone.
      const hold = await lockHold(tx, holdId);
      if (hold === undefined || hold.terminal_id !== terminalId) throw notFound('No such hold.', { holdId });
      if (hold.status === 'active') {
        await tx.query("UPDATE holds SET status = 'released', closed_at = $2 WHERE id = $1", [holdId, now]);
        hold.status = 'released';
      }
      return view(tx, hold, now);
    },
    { name: 'hold release' },
  );
}
