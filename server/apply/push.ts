/**
 * POST /v1/events: one database transaction per batch. Locks the terminal row
 * (batches of one terminal apply one after another), classifies the batch
 * against applied_seq and the forever-table of applied event ids, loads and
 * locks every member the new events touch, loads the lots and tier sums the
 * batch needs, applies the events in memory and writes the result. Any
 * failure rolls the whole batch back.
 */
import { qualifyingWindowStart } from '../../main/backend/loyalty/tiers.ts';
import type { AdjustmentReason, EventResult, PushResponse, SyncEvent } from '../../shared/sync-protocol.ts';
import { changeTransaction, type Db, type Queryable } from '../store/db.ts';
import { anyKeyOf, anyOf, insertRows, jsonList } from '../store/json-rows.ts';
import { LEDGER_COLUMNS, liveLots, qualifyingSince, writeLots } from '../store/lots.ts';
import { insertMembers, lockMembers, updateMemberPoints, updateMembers, type MemberRow } from '../store/member-rows.ts';
import { currentProgram } from '../store/programs.ts';
import { applyEvents, type ApplyPlan } from './apply-events.ts';
import { checkBatchShape, classifyBatch } from './classify.ts';
import { needsExactQualifying, qualifyingGains } from './qualifying.ts';

export interface PushOutcome extends PushResponse {
  /** For logs: counts only. */
  counts: { applied: number; duplicate: number; adjusted: number };
}

export async function pushEvents(db: Db, terminalId: string, events: readonly SyncEvent[], now: number): Promise<PushOutcome> {
  checkBatchShape(events);
  return changeTransaction(db, async (tx) => {
    const [terminal] = await tx.query<{ applied_seq: number }>('SELECT applied_seq FROM terminals WHERE id = $1 FOR UPDATE', [terminalId]);
    if (terminal === undefined) throw new Error('authenticated terminal vanished');
    const knownRows = await tx.query<{ id: string; reasons: AdjustmentReason[] }>(`SELECT id, reasons FROM applied_events WHERE id = ${anyOf('$1', 'uuid')}`, [jsonList(events.map((e) => e.id))]);
    const { duplicates, fresh } = classifyBatch(events, terminal.applied_seq, new Map(knownRows.map((r) => [r.id, r.reasons])));
    const appliedSeq = Math.max(terminal.applied_seq, events[events.length - 1]?.seq ?? 0);

    let plan: ApplyPlan | null = null;
    if (fresh.length > 0) {
      plan = await applyFresh(tx, terminalId, fresh, now);
    }
    await tx.query('UPDATE terminals SET applied_seq = $2, last_seen_at = $3 WHERE id = $1', [terminalId, appliedSeq, now]);

    const results: EventResult[] = events.map((e, i) => duplicates[i] ?? plan!.results.get(e.id)!);
    const counts = { applied: 0, duplicate: 0, adjusted: 0 };
    for (const r of results) {
      if (r.status === 'applied') counts.applied++;
      else if (r.status === 'duplicate') counts.duplicate++;
      else counts.adjusted++;
    }
    return { results, appliedSeq, counts };
  });
}

async function applyFresh(tx: Queryable, terminalId: string, events: readonly SyncEvent[], now: number): Promise<ApplyPlan> {
  const program = await currentProgram(tx);
  const memberIds = new Set<string>();
  const phones = new Set<string>();
  const emails = new Set<string>();
  const cards = new Set<string>();
  for (const e of events) {
    for (const entry of e.payload.ledger) memberIds.add(entry.memberId);
    if (e.kind === 'member.enrolled') {
      memberIds.add(e.payload.memberId);
      if (e.payload.phone?.trim()) phones.add(e.payload.phone.trim());
      if (e.payload.email?.trim()) emails.add(e.payload.email.trim().toLowerCase());
      if (e.payload.cardNumber != null) cards.add(e.payload.cardNumber);
    }
  }
  const members = await lockMembers(tx, memberIds);
  const stored = new Map([...members.values()].map((m) => [m.id, m.status]));
  // Only a debit consumes lots; a credit adds one (lots past their date that it leaves alone are the expiry run's).
  const debited = new Set(events.flatMap((e) => e.payload.ledger.filter((entry) => entry.points < 0).map((entry) => entry.memberId)));
  const lots = await liveLots(tx, debited);
  const windowStart = program === null ? Number.NEGATIVE_INFINITY : qualifyingWindowStart(now, program);
  const gains = qualifyingGains(events, now, windowStart);
  const exact = new Set([...members.values()].filter((m) => needsExactQualifying(m, gains.get(m.id) ?? 0, program, now)).map((m) => m.id));
  const summed = exact.size === 0 ? new Map<string, number>() : await qualifyingSince(tx, exact, windowStart);
  // Exact sums where needed, bounds elsewhere (they cannot reach a new tier); a member new to the server has none.
  const qualifying = new Map([...members.values()].map((m) => [m.id, exact.has(m.id) ? (summed.get(m.id) ?? 0) : (m.qualifying_bound ?? 0)]));
  const contacts =
    phones.size + emails.size === 0
      ? []
      : await tx.query<{ id: string; phone: string | null; email: string | null }>(
          `SELECT id, phone, lower(email) AS email FROM members WHERE status <> 'pending_enrolment'
           AND (phone = ${anyOf('$1', 'text')} OR lower(email) = ${anyOf('$2', 'text')})`,
          [jsonList(phones), jsonList(emails)],
        );
  const cardRows = cards.size === 0 ? [] : await tx.query<{ card: string; member_id: string }>(`SELECT card, member_id FROM member_cards WHERE card = ${anyOf('$1', 'text')}`, [jsonList(cards)]);

  const plan = applyEvents({ terminalId, now, program, members, lots, qualifying, contacts, cardOwners: new Map(cardRows.map((r) => [r.card, r.member_id])) }, events);

  // Members first: cards reference them, and no entry or lot may name a missing member.
  await insertMembers(tx, plan.members.filter((m) => !stored.has(m.id)));
  // A placeholder whose enrolment arrived gets every column; the rest only their points and tier.
  const filled = (m: MemberRow) => stored.get(m.id) === 'pending_enrolment' && m.status !== 'pending_enrolment';
  await updateMembers(tx, plan.members.filter((m) => stored.has(m.id) && filled(m)));
  await updateMemberPoints(tx, plan.members.filter((m) => stored.has(m.id) && !filled(m)));
  await insertRows(tx, 'applied_events', 'id uuid, terminal_id uuid, seq bigint, kind text, created_at bigint, applied_at bigint, status text, reasons jsonb, payload jsonb', plan.appliedEvents);
  await insertRows(tx, 'ledger', LEDGER_COLUMNS, plan.ledger);
  await writeLots(tx, plan.newLots, plan.lotUpdates);
  await insertRows(tx, 'member_cards', 'card text, member_id uuid, created_at bigint', plan.cards, 'ON CONFLICT (card) DO NOTHING');
  await insertRows(tx, 'flags', 'kind text, member_id uuid, event_id uuid, details jsonb, created_at bigint', plan.flags);
  if (plan.holdPosts.length > 0) {
    // The sale's redemption is in the ledger; posting closes the hold so it stops counting against "available".
    await tx.query(`UPDATE holds h SET status = 'posted', closed_at = $2, sale_id = x.sale_id FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, sale_id uuid) WHERE h.id = x.id AND h.id = ${anyKeyOf('$1', 'id', 'uuid')} AND h.status = 'active'`, [JSON.stringify(plan.holdPosts), now]);
  }
  return plan;
}
