/**
 * Voids and refunds that arrived before their sale (another till's sale still
 * queued offline) are held, `awaiting_sale` (trust/judge.ts). When the sale
 * arrives they are judged again, as if pushed now: applied, bounded, held for
 * another reason, or refused. Each in its own transaction, after the push that
 * brought the sale; the maintenance pass catches any a crash left behind.
 */
import { syncEventSchema } from '../../shared/sync-protocol.ts';
import { changeTransaction, type Db } from '../store/db.ts';
import { anyOf, jsonList } from '../store/json-rows.ts';
import { applyFresh } from './push.ts';

/** `saleIds` null: every held event whose sale the server now holds (the maintenance pass). */
export async function releaseAwaitingSales(db: Db, saleIds: readonly string[] | null, now: number): Promise<number> {
  const waiting = await db.query<{ event_id: string }>(
    saleIds === null
      ? `SELECT h.event_id FROM held_events h WHERE h.decided_at IS NULL AND h.sale_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM applied_events a WHERE a.kind = 'sale.committed' AND a.payload->>'saleId' = h.sale_id::text)
         ORDER BY h.created_at LIMIT 500`
      : `SELECT event_id FROM held_events WHERE decided_at IS NULL AND sale_id = ${anyOf('$1', 'uuid')} ORDER BY created_at`,
    saleIds === null ? [] : [jsonList(saleIds)],
  );
  let released = 0;
  for (const { event_id } of waiting) if (await rejudge(db, event_id, now)) released++;
  return released;
}

async function rejudge(db: Db, eventId: string, now: number): Promise<boolean> {
  return changeTransaction(
    db,
    async (tx) => {
      const [row] = await tx.query<{
        terminal_id: string;
        store_id: string;
        kind: string;
        seq: number;
        created_at: number;
        payload: object;
      }>(
        `SELECT a.terminal_id, t.store_id, a.kind, a.seq, a.created_at, a.payload
         FROM held_events h JOIN applied_events a ON a.id = h.event_id JOIN terminals t ON t.id = a.terminal_id
         WHERE h.event_id = $1 AND h.decided_at IS NULL AND h.reasons @> '["awaiting_sale"]'`,
        [eventId],
      );
      if (row === undefined) return false;
      const event = syncEventSchema.parse({
        id: eventId,
        seq: Number(row.seq),
        kind: row.kind,
        createdAt: Number(row.created_at),
        payload: row.payload,
      });
      const plan = await applyFresh(
        tx,
        { terminalId: row.terminal_id, storeId: row.store_id },
        [event],
        new Map([[eventId, JSON.stringify(row.payload)]]),
        now,
        'rejudge',
      );
      const status = plan.results.get(eventId)?.status;
      if (status === 'held') return false;
      await tx.query("UPDATE held_events SET decided_at = $2, decision = $3, decided_by = 'server: its sale arrived' WHERE event_id = $1", [
        eventId,
        now,
        status === 'refused' ? 'refused' : 'approved',
      ]);
      return true;
    },
    'awaiting sale',
  );
}
