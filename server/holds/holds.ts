/**
 * Online redemption holds: reserve points before the sale, post them with the
 * sale (sale.committed carries holdId), release them on a void or an abandoned
 * sale. available = balance − active unexpired holds. A hold past its expiry
 * simply stops counting. Holds do not change pulled rows, so they take no change lock.
 * Their row locks follow the server's one order (store/lock-order.ts): the
 * terminal's row shared, then the member, then the hold.
 *
 * Bounds (programme `holds`, shared/program.ts holdPolicy): one hold reserves
 * at most `maxPoints`, lives at most `maxTtlSeconds` (a longer ttl is cut to
 * it), and one terminal places at most `perTerminalPerMinute` new holds a
 * minute (429 RATE_LIMITED with Retry-After beyond it; a replayed hold id is
 * not a new hold). A terminal's holds are counted one at a time (an advisory
 * lock of the terminal, taken right after its row), so a burst cannot pass the
 * rate together. A refusal for too few points names no figure, and no answer
 * reveals the member's balance: a till learns only yes or no.
 */
import type { HoldRequest, HoldResponse } from '../../shared/sync-protocol.ts';
import { holdPolicy } from '../../shared/program.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { lockHold, lockMembers, shareTerminal, type HoldRow } from '../store/lock-order.ts';
import { currentProgram } from '../store/programs.ts';

const MINUTE_MS = 60_000;
/**
 * Advisory lock class of a terminal's hold placing (its rate is counted under it): the two-key form,
 * whose key space never overlaps the single-key change and migration locks (store/db.ts).
 */
const HOLD_RATE_LOCK_CLASS = 72_617_310;

async function heldPoints(tx: Queryable, memberId: string, now: number): Promise<number> {
  const [row] = await tx.query<{ held: number }>(
    "SELECT coalesce(sum(points), 0)::bigint AS held FROM holds WHERE member_id = $1 AND status = 'active' AND expires_at > $2",
    [memberId, now],
  );
  return row?.held ?? 0;
}

function view(hold: HoldRow, now: number): HoldResponse {
  const status = hold.status === 'active' && hold.expires_at <= now ? 'expired' : hold.status;
  return { holdId: hold.id, status, points: hold.points, expiresAt: hold.expires_at };
}

export async function placeHold(db: Db, terminalId: string, req: HoldRequest, now: number): Promise<HoldResponse> {
  return db.transaction(
    async (tx) => {
      // The terminal's row first, shared (the INSERT's foreign key would take it late, after the member: the old deadlock with a push).
      if (!(await shareTerminal(tx, terminalId))) throw new Error('authenticated terminal vanished');
      // The terminal's holds one at a time (still level 2: before any member), so its rate is counted exactly.
      await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [HOLD_RATE_LOCK_CLASS, terminalId]);
      // Then the member: two terminals reserving the same points serialise here.
      const member = (await lockMembers(tx, [req.memberId])).get(req.memberId);
      const [existing] = await tx.query<HoldRow>('SELECT id, terminal_id, member_id, points, expires_at, status FROM holds WHERE id = $1', [
        req.holdId,
      ]);
      if (existing !== undefined) {
        if (existing.terminal_id !== terminalId || existing.member_id !== req.memberId || existing.points !== req.points) {
          throw new HttpError(409, 'CONFLICT', 'This hold id was already used for a different hold.', { holdId: req.holdId });
        }
        return view(existing, now);
      }
      if (member === undefined || member.status === 'pending_enrolment') throw notFound('No such member.', { memberId: req.memberId });
      if (member.status === 'blocked') throw new HttpError(409, 'MEMBER_BLOCKED', 'This member is blocked: points cannot be redeemed.');
      const policy = holdPolicy(await currentProgram(tx));
      if (req.points > policy.maxPoints) {
        throw new HttpError(409, 'HOLD_TOO_LARGE', `One hold reserves at most ${policy.maxPoints} points.`, {
          maxPoints: policy.maxPoints,
        });
      }
      const [recent] = await tx.query<{ n: number; oldest: number | null }>(
        'SELECT count(*)::int AS n, min(created_at)::bigint AS oldest FROM holds WHERE terminal_id = $1 AND created_at > $2',
        [terminalId, now - MINUTE_MS],
      );
      if (recent!.n >= policy.perTerminalPerMinute) {
        const retryAfterSeconds = Math.max(1, Math.ceil(((recent!.oldest ?? now) + MINUTE_MS - now) / 1000));
        throw new HttpError(
          429,
          'RATE_LIMITED',
          'This terminal has placed as many holds this minute as the programme allows. Try again shortly.',
          { limitedBy: 'terminal', retryAfterSeconds },
          { 'retry-after': String(retryAfterSeconds) },
        );
      }
      const available = member.balance - (await heldPoints(tx, req.memberId, now));
      // No figure: a till that may ask "is there enough?" must not learn the balance by asking.
      if (req.points > available) throw new HttpError(409, 'INSUFFICIENT_POINTS', 'The member does not have enough points for this.');
      const expiresAt = now + Math.min(req.ttlMs, policy.maxTtlSeconds * 1000);
      await tx.query(
        "INSERT INTO holds (id, terminal_id, member_id, points, created_at, expires_at, status) VALUES ($1, $2, $3, $4, $5, $6, 'active')",
        [req.holdId, terminalId, req.memberId, req.points, now, expiresAt],
      );
      return { holdId: req.holdId, status: 'active', points: req.points, expiresAt };
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
      return view(hold, now);
    },
    { name: 'hold release' },
  );
}
