import { FLAG_KINDS, type FlagKind, type LedgerEntry, type SyncEventInput, type SyncEventKind } from '../../../shared/sync-protocol.ts';
import { uuidv7 } from '../platform/ids.ts';
import type { ReadableDb, WritableDb } from './connection.ts';
import type { LedgerRow } from './points.ts';
import { prepare } from './statements.ts';

/**
 * Events for the central server. Written in the same transaction as the change
 * they describe, with an id made here, before any send: the server applies each
 * id once, so a retry after a crash can never double a point. Each row is an
 * event of shared/sync-protocol.ts once wrapped `{id, seq, kind, createdAt, payload}`.
 */
export type OutboxKind = SyncEventKind;
type PayloadOf<K extends OutboxKind> = Extract<SyncEventInput, { kind: K }>['payload'];

export function enqueue<K extends OutboxKind>(db: WritableDb, kind: K, payload: PayloadOf<K>, now: number): string {
  const id = uuidv7(now);
  const info = prepare(db, 'INSERT INTO outbox (id, kind, payload, created_at) VALUES (?, ?, ?, ?)').run(
    id,
    kind,
    JSON.stringify(payload),
    now,
  );
  const seq = Number(info.lastInsertRowid);
  // Net points per member, so pending points are a range read on (member, seq).
  const net = new Map<string, number>();
  for (const e of payload.ledger ?? []) net.set(e.memberId, (net.get(e.memberId) ?? 0) + e.points);
  const insert = prepare(db, 'INSERT INTO outbox_points (member_id, seq, points) VALUES (?, ?, ?)');
  for (const [memberId, points] of net) if (points !== 0) insert.run(memberId, seq, points);
  return id;
}

/** The highest ledger id now: the entries a transaction writes after this mark are its own. */
export function ledgerMark(db: ReadableDb): number {
  return (prepare(db, 'SELECT coalesce(max(id), 0) FROM ledger').pluck().get() as number) ?? 0;
}

/**
 * The ledger entries written after `mark`, in the protocol's shape. Local
 * expiry ('expire') and sync corrections are left out: the server runs its own
 * expiry from the same lot expiry times, and corrections come from it.
 */
export function ledgerSince(db: ReadableDb, mark: number): LedgerEntry[] {
  // A lot is found by its entry through point_lots_entry (migration 0006): without it, a scan of every lot.
  const rows = prepare(
    db,
    `SELECT l.member_id AS memberId, l.kind, l.points, l.qualifying,
       (SELECT p.expires_at FROM point_lots p WHERE p.entry_id = l.id) AS expiresAt
     FROM ledger l WHERE l.id > ? AND l.kind NOT IN ('expire', 'sync') ORDER BY l.id`,
  ).all(mark) as { memberId: string; kind: LedgerEntry['kind']; points: number; qualifying: number; expiresAt: number | null }[];
  return rows.map((r) => {
    const entry: LedgerEntry = { memberId: r.memberId, kind: r.kind, points: r.points, qualifying: r.qualifying };
    if (r.points > 0 && r.expiresAt !== null) entry.expiresAt = r.expiresAt;
    return entry;
  });
}

export interface OutboxStats {
  pending: number;
  oldestPendingAt: number | null;
}

export function outboxStats(db: ReadableDb): OutboxStats {
  return prepare(
    db,
    'SELECT count(*) AS pending, min(created_at) AS oldestPendingAt FROM outbox WHERE sent_at IS NULL',
  ).get() as OutboxStats;
}

export interface OutboxRow {
  seq: number;
  id: string;
  kind: OutboxKind;
  payload: string;
  created_at: number;
}

/** A batch as the JSON body of POST /v1/events, each stored payload spliced in as the text it is (not parsed and re-serialised). */
export function pushBody(rows: readonly OutboxRow[]): string {
  return `{"events":[${rows.map((r) => `{"id":${JSON.stringify(r.id)},"seq":${r.seq},"kind":${JSON.stringify(r.kind)},"createdAt":${r.created_at},"payload":${r.payload}}`).join(',')}]}`;
}

/**
 * Up to `limit` events in seq order from `fromSeq` on (the start when null):
 * unsent ones, or with `includeSent` sent ones too (the server asked to resend from there).
 */
export function outboxBatch(db: ReadableDb, limit: number, fromSeq: number | null, includeSent = false): OutboxRow[] {
  const where = includeSent ? 'seq >= ?' : 'sent_at IS NULL AND seq >= ?';
  return prepare(db, `SELECT seq, id, kind, payload, created_at FROM outbox WHERE ${where} ORDER BY seq LIMIT ?`).all(
    fromSeq ?? 0,
    limit,
  ) as OutboxRow[];
}

/**
 * The server answered for these events: mark them sent (once) with their answers. Only events
 * with an answer: one the server says it applied without answering for it here (its appliedSeq
 * reaches past the batch) is sent again, and its `duplicate` answer carries any flag.
 */
export function markSent(db: WritableDb, results: { seq: number; result: object }[], now: number): void {
  if (results.length === 0) return;
  // One statement for the batch's answers (500 by default), not one per event.
  prepare(
    db,
    'UPDATE outbox SET sent_at = coalesce(sent_at, ?), result = r.value -> 1 FROM json_each(?) AS r WHERE outbox.seq = r.value ->> 0',
  ).run(now, JSON.stringify(results.map((r) => [r.seq, r.result])));
}

/** A failed attempt on these events, kept for diagnosis (the backoff itself is in memory). */
export function recordAttempt(db: WritableDb, fromSeq: number, toSeq: number, error: string): void {
  prepare(db, 'UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq BETWEEN ? AND ? AND sent_at IS NULL').run(
    error.slice(0, 200),
    fromSeq,
    toSeq,
  );
}

/** Net points of a member's events with seq above `afterSeq` (not yet in a server balance). */
export function pendingPointsAfter(db: ReadableDb, memberId: string, afterSeq: number): number {
  return prepare(db, 'SELECT coalesce(sum(points), 0) FROM outbox_points WHERE member_id = ? AND seq > ?')
    .pluck()
    .get(memberId, afterSeq) as number;
}

/** Net points of a member's events the server has not acknowledged yet. */
export function unacknowledgedPoints(db: ReadableDb, memberId: string): number {
  // CROSS JOIN keeps this order: the member's few rows, then each event by seq. Statistics taken while
  // nothing was unsent made the planner read every unsent event instead, on every lookup and sale.
  return prepare(
    db,
    'SELECT coalesce(sum(p.points), 0) FROM outbox_points p CROSS JOIN outbox o ON o.seq = p.seq WHERE p.member_id = ? AND o.sent_at IS NULL',
  )
    .pluck()
    .get(memberId) as number;
}

/**
 * The member's ledger entries of this till's events the server does not have yet: those made since
 * the oldest unsent event naming the member (never a pull's 'sync' correction), newest first.
 */
export function pendingEntriesOf(db: ReadableDb, memberId: string, limit: number): LedgerRow[] {
  const since = prepare(
    db,
    'SELECT min(o.created_at) FROM outbox_points p CROSS JOIN outbox o ON o.seq = p.seq WHERE p.member_id = ? AND o.sent_at IS NULL',
  )
    .pluck()
    .get(memberId) as number | null;
  if (since === null) return [];
  return prepare(db, "SELECT * FROM ledger WHERE member_id = ? AND created_at >= ? AND kind <> 'sync' ORDER BY id DESC LIMIT ?").all(
    memberId,
    since,
    limit,
  ) as LedgerRow[];
}

/** The answers a manager is shown: applied with an adjustment, held for a person at head office, refused. */
export const NOTABLE_STATUSES = ['applied_with_adjustment', 'held', 'refused'] as const;
export type NotableStatus = (typeof NOTABLE_STATUSES)[number];

/** The same list as in the partial index outbox_notable (migration 0009): only then can SQLite read that index. */
const NOTABLE = "json_extract(result, '$.status') IN ('applied_with_adjustment', 'held', 'refused')";

export interface NotableEvent {
  seq: number;
  id: string;
  kind: OutboxKind;
  createdAt: number;
  status: NotableStatus;
  reasons: FlagKind[];
  /** The sale's total (a void: the voided sale's), a refund's amount; null for other events. */
  amountMinor: number | null;
  /** A manager's adjustment's points; null for other events. */
  points: number | null;
}

/**
 * Events the server flagged (applied with an adjustment), held or refused, newest first: the manager's list.
 * A sale's total and time are shown, never a member's name or an id.
 */
export function flaggedEvents(db: ReadableDb, limit: number): NotableEvent[] {
  const rows = prepare(
    db,
    `SELECT seq, id, kind, created_at AS createdAt, json_extract(result, '$.status') AS status,
       json_extract(result, '$.reasons') AS reasons,
       CASE kind
         WHEN 'sale.committed' THEN json_extract(payload, '$.totalMinor')
         WHEN 'sale.refunded' THEN json_extract(payload, '$.refundedMinor')
         WHEN 'sale.voided' THEN (SELECT s.total_minor FROM sales s WHERE s.id = json_extract(outbox.payload, '$.saleId'))
       END AS amountMinor,
       CASE kind WHEN 'points.adjusted' THEN json_extract(payload, '$.points') END AS points
     FROM outbox WHERE ${NOTABLE} ORDER BY seq DESC LIMIT ?`,
  ).all(limit) as (Omit<NotableEvent, 'reasons'> & { reasons: string | null })[];
  // The answers were checked against the contract when they arrived; a kind this version does not know is not shown.
  const known = (k: string): k is FlagKind => (FLAG_KINDS as readonly string[]).includes(k);
  return rows.map((r) => ({ ...r, reasons: r.reasons === null ? [] : (JSON.parse(r.reasons) as string[]).filter(known) }));
}

/** Events applied with an adjustment (the diagnostics' figure). */
export function flaggedCount(db: ReadableDb): number {
  return prepare(db, "SELECT count(*) FROM outbox WHERE json_extract(result, '$.status') = 'applied_with_adjustment'")
    .pluck()
    .get() as number;
}

/** How many events the server flagged, held and refused: one read of the partial index outbox_notable alone, after every sale. */
export function notableCounts(db: ReadableDb): { flagged: number; held: number; refused: number } {
  const status = "json_extract(result, '$.status')";
  return prepare(
    db,
    `SELECT count(*) FILTER (WHERE ${status} = 'applied_with_adjustment') AS flagged, count(*) FILTER (WHERE ${status} = 'held') AS held,
       count(*) FILTER (WHERE ${status} = 'refused') AS refused
     FROM outbox WHERE ${NOTABLE}`,
  ).get() as { flagged: number; held: number; refused: number };
}
