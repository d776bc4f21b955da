/**
 * The server's expiry run: every lot whose expiresAt has passed becomes an
 * 'expire' ledger entry, with the member's balance and tier stamp updated in
 * the same transaction. Runs from the server's periodic job and `expire`.
 * Works in chunks of members so a large backlog never holds locks for long.
 */
import { expireDue, type LedgerRowOut, type PointsWriter } from '../apply/member-points.ts';
import { changeTransaction, type Db } from '../store/db.ts';
import { anyOf, insertWrite, jsonList, runWrites, updateWrite } from '../store/json-rows.ts';
import { LEDGER_COLUMNS, liveLots, lotWrites } from '../store/lots.ts';

const CHUNK = 500;

export async function expireDuePoints(db: Db, now: number): Promise<{ members: number; points: number }> {
  let members = 0;
  let points = 0;
  for (;;) {
    const due = await db.query<{ member_id: string }>('SELECT DISTINCT member_id FROM point_lots WHERE remaining > 0 AND expires_at <= $1 LIMIT $2', [now, CHUNK]);
    if (due.length === 0) return { members, points };
    const ids = due.map((d) => d.member_id);
    const done = await changeTransaction(db, async (tx) => {
      const locked = await tx.query<{ id: string; balance: number }>(`SELECT id, balance FROM members WHERE id = ${anyOf('$1', 'uuid')} ORDER BY id FOR UPDATE`, [jsonList(ids)]);
      const lots = await liveLots(tx, ids);
      const ledger: LedgerRowOut[] = [];
      const writer: PointsWriter = { ledger, nextLotId: () => 0, appliedAt: now };
      const balances: { id: string; balance: number; updated_at: number }[] = [];
      const updates: { id: number; remaining: number }[] = [];
      let expired = 0;
      for (const m of locked) {
        const state = { memberId: m.id, balance: m.balance, lots: lots.get(m.id) ?? [], qualifying: 0 };
        const n = expireDue(state, now, writer);
        if (n === 0) continue;
        expired += n;
        balances.push({ id: m.id, balance: state.balance, updated_at: now });
        for (const lot of state.lots) if (lot.changed) updates.push({ id: lot.id, remaining: lot.remaining });
      }
      await runWrites(tx, [insertWrite('ledger', LEDGER_COLUMNS, ledger), ...lotWrites([], updates), updateWrite('members', 'id uuid, balance bigint, updated_at bigint', 'uuid', balances)]);
      return { members: balances.length, points: expired };
    });
    members += done.members;
    points += done.points;
    if (due.length < CHUNK) return { members, points };
  }
}
