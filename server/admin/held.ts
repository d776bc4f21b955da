/**
 * Events held for a person (server/apply/trust/judge.ts): above a programme
 * bound, outside a till's scope, or a void/refund whose sale had not arrived.
 * Nothing of them is applied until someone decides: approving applies the
 * ledger the server judged when it held the event (never the till's claim
 * beyond it), refusing applies nothing. Each is decided once; both are
 * recorded with who decided and when, and the till's next retry of the event
 * answers with the decision.
 */
import { syncEventSchema, type FlagKind } from '../../shared/sync-protocol.ts';
import { applyFresh } from '../apply/push.ts';
import { changeTransaction, type Db } from '../store/db.ts';
import { AdminError } from './admin-error.ts';

export interface HeldEvent {
  eventId: string;
  terminalId: string;
  kind: string;
  memberId: string | null;
  reasons: FlagKind[];
  details: Record<string, unknown>[];
  /** Points approval would apply, summed per member. */
  points: Record<string, number>;
  createdAt: number;
}

interface HeldRow {
  event_id: string;
  terminal_id: string;
  kind: string;
  member_id: string | null;
  reasons: FlagKind[];
  details: Record<string, unknown>[];
  ledger: { memberId: string; points: number }[];
  created_at: number;
}

function view(r: HeldRow): HeldEvent {
  const points: Record<string, number> = {};
  for (const e of r.ledger) points[e.memberId] = (points[e.memberId] ?? 0) + e.points;
  return {
    eventId: r.event_id,
    terminalId: r.terminal_id,
    kind: r.kind,
    memberId: r.member_id,
    reasons: r.reasons,
    details: r.details,
    points,
    createdAt: Number(r.created_at),
  };
}

/** The events waiting for a decision, the oldest first. */
export async function listHeld(db: Db, limit = 200): Promise<HeldEvent[]> {
  const rows = await db.query<HeldRow>(
    'SELECT event_id, terminal_id, kind, member_id, reasons, details, ledger, created_at FROM held_events WHERE decided_at IS NULL ORDER BY created_at LIMIT $1',
    [limit],
  );
  return rows.map(view);
}

export async function decideHeld(
  db: Db,
  eventId: string,
  decision: 'approved' | 'refused',
  decidedBy: string,
  now: number,
): Promise<{ eventId: string; decision: 'approved' | 'refused'; pointsApplied: number }> {
  if (!/^[0-9a-f-]{36}$/i.test(eventId)) throw new AdminError('An event id is a UUID (see the `held` list).');
  return changeTransaction(
    db,
    async (tx) => {
      const [held] = await tx.query<
        HeldRow & { store_id: string; payload: unknown; seq: number; created: number; decided_at: number | null }
      >(
        `SELECT h.event_id, h.terminal_id, h.kind, h.member_id, h.reasons, h.details, h.ledger, h.created_at, h.decided_at,
                t.store_id, a.payload, a.seq, a.created_at AS created
         FROM held_events h JOIN applied_events a ON a.id = h.event_id JOIN terminals t ON t.id = h.terminal_id
         WHERE h.event_id = $1`,
        [eventId],
      );
      if (held === undefined) throw new AdminError('No held event with this id.');
      if (held.decided_at !== null) throw new AdminError('This event was decided already.');
      let pointsApplied = 0;
      if (decision === 'approved') {
        const event = syncEventSchema.parse({
          id: held.event_id,
          seq: Number(held.seq),
          kind: held.kind,
          createdAt: Number(held.created),
          payload: { ...(held.payload as object), ledger: held.ledger },
        });
        const plan = await applyFresh(
          tx,
          { terminalId: held.terminal_id, storeId: held.store_id },
          [event],
          new Map([[eventId, JSON.stringify(held.payload)]]),
          now,
          'approve',
        );
        pointsApplied = plan.ledger.filter((e) => e.kind !== 'expire').reduce((s, e) => s + Number(e.points), 0);
        const reasons = [...new Set([...held.reasons, ...(plan.results.get(event.id)?.reasons ?? [])])];
        // The stored event carries what was applied: a later void or refund of the sale is judged against it.
        await tx.query(
          "UPDATE applied_events SET status = 'applied_with_adjustment', reasons = $2::jsonb, payload = jsonb_set(payload, '{ledger}', $3::jsonb) WHERE id = $1",
          [eventId, JSON.stringify(reasons), JSON.stringify(held.ledger)],
        );
      } else {
        await tx.query("UPDATE applied_events SET status = 'refused' WHERE id = $1", [eventId]);
      }
      const decided = await tx.query(
        'UPDATE held_events SET decided_at = $2, decision = $3, decided_by = $4 WHERE event_id = $1 AND decided_at IS NULL RETURNING event_id',
        [eventId, now, decision, decidedBy],
      );
      if (decided.length === 0) throw new AdminError('This event was decided already.');
      return { eventId, decision, pointsApplied };
    },
    'held decision',
  );
}
