/**
 * Splits a pushed batch into events already applied and events to apply, and
 * refuses what would lose or double an event. Pure.
 */
import type { FlagKind, EventResult, SyncEvent } from '../../shared/sync-protocol.ts';
import { HttpError } from '../http/errors.ts';

export interface Classified {
  /** Per event in batch order; undefined where the event is new. */
  duplicates: (EventResult | undefined)[];
  fresh: SyncEvent[];
}

/** Checks the batch's own shape: seq ascending with no gap, ids unique. */
export function checkBatchShape(events: readonly SyncEvent[]): void {
  const ids = new Set<string>();
  events.forEach((e, i) => {
    if (i > 0 && e.seq !== events[i - 1]!.seq + 1) {
      throw new HttpError(400, 'VALIDATION', 'Events must be in ascending seq order with no gap.', {
        issues: [{ path: ['events', i, 'seq'], message: `expected ${events[i - 1]!.seq + 1}` }],
      });
    }
    if (ids.has(e.id))
      throw new HttpError(400, 'VALIDATION', 'An event id appears twice in the batch.', {
        issues: [{ path: ['events', i, 'id'], message: 'duplicate id' }],
      });
    ids.add(e.id);
  });
}

/**
 * `known` = the ids of this batch the server has applied before (from any
 * terminal), with the reasons of that first application: a duplicate repeats
 * them, so a terminal whose first answer was lost still learns of its flag;
 * one held or refused is answered so again. An id another terminal sent first
 * is refused (event_id_taken): ids belong to the terminal that first sent them.
 * An event at or below appliedSeq must be known, else the terminal reused a
 * number (SEQUENCE_CONFLICT): marking it duplicate would silently lose it.
 * The first event above appliedSeq must be appliedSeq + 1 (SEQUENCE_GAP).
 * A new seq whose id was applied before is a duplicate (and advances appliedSeq).
 */
export interface KnownEvent {
  reasons: readonly FlagKind[];
  /** The terminal that sent the id first: the id is its own. */
  terminalId: string;
  status: string;
}

export function classifyBatch(
  events: readonly SyncEvent[],
  appliedSeq: number,
  known: ReadonlyMap<string, KnownEvent>,
  terminalId: string,
): Classified {
  const duplicates: (EventResult | undefined)[] = [];
  const fresh: SyncEvent[] = [];
  const firstNew = events.find((e) => e.seq > appliedSeq);
  if (firstNew !== undefined && firstNew.seq !== appliedSeq + 1) {
    throw new HttpError(
      409,
      'SEQUENCE_GAP',
      `Expected event seq ${appliedSeq + 1} next, got ${firstNew.seq}. Send the missing events first.`,
      { expectedSeq: appliedSeq + 1 },
    );
  }
  for (const e of events) {
    const first = known.get(e.id);
    const reasons = first?.reasons;
    if (first !== undefined && first.terminalId !== terminalId) {
      // Another terminal sent this id first: never "duplicate", which would make this terminal drop its event silently.
      duplicates.push({ id: e.id, seq: e.seq, status: 'refused', reasons: ['event_id_taken'] });
    } else if (first !== undefined && (first.status === 'held' || first.status === 'refused')) {
      duplicates.push({ id: e.id, seq: e.seq, status: first.status, reasons: [...first.reasons] });
    } else if (reasons !== undefined) {
      duplicates.push(
        reasons.length > 0
          ? { id: e.id, seq: e.seq, status: 'duplicate', reasons: [...reasons] }
          : { id: e.id, seq: e.seq, status: 'duplicate' },
      );
    } else if (e.seq <= appliedSeq) {
      throw new HttpError(
        409,
        'SEQUENCE_CONFLICT',
        `Event seq ${e.seq} was already used by another event of this terminal; this event was not applied.`,
        { seq: e.seq, appliedSeq },
      );
    } else {
      duplicates.push(undefined);
      fresh.push(e);
    }
  }
  return { duplicates, fresh };
}
