import { uuidv7 } from '../platform/ids.ts';
import type { Db } from './connection.ts';
import { prepare } from './statements.ts';

/**
 * Events for the central server. Written in the same transaction as the change
 * they describe, with an id made here, before any send: the server applies each
 * id once, so a retry after a crash can never double a point.
 */
export type OutboxKind = 'sale.committed' | 'sale.voided' | 'sale.refunded' | 'member.enrolled' | 'points.adjusted' | 'points.expired';

export function enqueue(db: Db, kind: OutboxKind, payload: object, now: number): string {
  const id = uuidv7(now);
  prepare(db, 'INSERT INTO outbox (id, kind, payload, created_at) VALUES (?, ?, ?, ?)').run(id, kind, JSON.stringify(payload), now);
  return id;
}

export interface OutboxStats {
  pending: number;
  oldestPendingAt: number | null;
}

export function outboxStats(db: Db): OutboxStats {
  return prepare(db, 'SELECT count(*) AS pending, min(created_at) AS oldestPendingAt FROM outbox WHERE sent_at IS NULL').get() as OutboxStats;
}
