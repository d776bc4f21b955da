/**
 * Points expiry on the server: the rule is shared/loyalty/expiry.ts, this is
 * where the server applies it. Every lot due becomes an 'expire' ledger entry,
 * dated when the lot expired, and leaves the member's balance: before each
 * pushed entry (at the event's time, apply-events.ts) and in the periodic run
 * (the server's job and the `expire` command).
 */
import { dueForExpiry } from '../../shared/loyalty/expiry.ts';
import { changeTransaction, type Db } from '../store/db.ts';
import { insertWrite, runWrites, updateWrite } from '../store/json-rows.ts';
import { lockMembers } from '../store/lock-order.ts';
import { LEDGER_COLUMNS, liveLots, lotWrites } from '../store/lots.ts';
import type { LedgerRowOut, PointsState, PointsWriter } from './member-points.ts';

/** Expires every lot due at `at` in a member's points held in memory (pure). */
export function expireDue(state: PointsState, at: number, out: PointsWriter): number {
  let expired = 0;
  for (const lot of dueForExpiry(state.lots, at)) {
    out.ledger.push({
      member_id: state.memberId,
      event_id: null,
      kind: 'expire',
      points: -lot.remaining,
      qualifying: 0,
      created_at: lot.expiresAt!,
      applied_at: out.appliedAt,
      reason: 'points expired',
    });
    state.balance -= lot.remaining;
    expired += lot.remaining;
    lot.expired += lot.remaining;
    lot.remaining = 0;
    lot.changed = true;
  }
  return expired;
}

const CHUNK = 500;

/**
 * The periodic run: every member with a lot due, in chunks of members so a
 * large backlog never holds locks for long; each chunk's entries, lots and
 * balances are written in one transaction.
 */
export async function expireDuePoints(db: Db, now: number): Promise<{ members: number; points: number }> {
  let members = 0;
  let points = 0;
  for (;;) {
    const due = await db.query<{ member_id: string }>(
      'SELECT DISTINCT member_id FROM point_lots WHERE remaining > 0 AND expires_at <= $1 LIMIT $2',
      [now, CHUNK],
    );
    if (due.length === 0) return { members, points };
    const ids = due.map((d) => d.member_id);
    const done = await changeTransaction(db, async (tx) => {
      // The change lock, then the members in id order (store/lock-order.ts).
      const locked = [...(await lockMembers(tx, ids)).values()];
      const lots = await liveLots(tx, ids);
      const ledger: LedgerRowOut[] = [];
      const writer: PointsWriter = { ledger, nextLotId: () => 0, appliedAt: now };
      const balances: { id: string; balance: number; updated_at: number }[] = [];
      const updates: { id: number; remaining: number; expired: number }[] = [];
      let expired = 0;
      for (const m of locked) {
        const state = { memberId: m.id, balance: m.balance, lots: lots.get(m.id) ?? [], qualifying: 0 };
        const n = expireDue(state, now, writer);
        if (n === 0) continue;
        expired += n;
        balances.push({ id: m.id, balance: state.balance, updated_at: now });
        for (const lot of state.lots) if (lot.changed) updates.push({ id: lot.id, remaining: lot.remaining, expired: lot.expired });
      }
      await runWrites(tx, [
        insertWrite('ledger', LEDGER_COLUMNS, ledger),
        ...lotWrites([], updates),
        updateWrite('members', 'id uuid, balance bigint, updated_at bigint', 'uuid', balances),
      ]);
      return { members: balances.length, points: expired };
    });
    members += done.members;
    points += done.points;
    if (due.length < CHUNK) return { members, points };
  }
}
