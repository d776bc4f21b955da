/**
 * POST /v1/events: one database transaction per batch. A turnstile lets a
 * terminal's pipelined batches in by seq (turnstile.ts); the terminal row's
 * lock makes them apply one after another. Classifies the batch
 * against applied_seq and the forever-table of applied event ids, loads and
 * locks every member the new events touch, loads the lots and tier sums the
 * batch needs, applies the events in memory and writes the result. Any
 * failure rolls the whole batch back.
 */
import { qualifyingWindowStart } from '../../shared/loyalty/tiers.ts';
import type { FlagKind, EventResult, PushResponse, SyncEvent } from '../../shared/sync-protocol.ts';
import { changeTransaction, type Db, type Queryable } from '../store/db.ts';
import { anyKeyOf, anyOf, insertWrite, jsonList, runWrites, updateWrite, type RowsWrite } from '../store/json-rows.ts';
import { LEDGER_COLUMNS, lotWrites, qualifyingSince, spendableLots } from '../store/lots.ts';
import { committedAppliedSeq, lockMembers, lockTerminalForPush } from '../store/lock-order.ts';
import { insertMembers, updateMemberPoints, updateMembers, type MemberRow } from '../store/member-rows.ts';
import { currentProgram } from '../store/programs.ts';
import { refundBookFor, storedSalesFor } from '../sales/sale-records.ts';
import { applyEvents, type ApplyPlan } from './apply-events.ts';
import { releaseAwaitingSales } from './awaiting-sales.ts';
import { recordSightings } from '../store/member-scope.ts';
import { holdOwners, loadHistories, loadTrustBook, qualifyingAtSales, trustWrites } from '../store/trust-rows.ts';
import { checkBatchShape, classifyBatch } from './classify.ts';
import { needsExactQualifying, qualifyingGains } from './qualifying.ts';
import { Turnstile } from './turnstile.ts';

export interface PushOutcome extends PushResponse {
  /** For logs: counts only. */
  counts: { applied: number; duplicate: number; adjusted: number; held: number; refused: number };
}

/** One turnstile per database the process serves. */
const turnstiles = new WeakMap<Db, Turnstile>();

/** The pushing terminal as authentication found it. */
export interface PushingTerminal {
  terminalId: string;
  storeId: string;
  /** 1: signed the old way (HMAC); its sales without lines are bounded and flagged `unverified`. */
  protocolVersion?: 1 | 2;
}

export async function pushEvents(db: Db, who: PushingTerminal, events: readonly SyncEvent[], now: number): Promise<PushOutcome> {
  const { terminalId } = who;
  checkBatchShape(events);
  let turnstile = turnstiles.get(db);
  if (turnstile === undefined) turnstiles.set(db, (turnstile = new Turnstile()));
  const firstSeq = events[0]?.seq ?? 0;
  // Serialised before the wait and the locks: only the writes themselves run while the batch holds them.
  const payloads = new Map(events.map((e) => [e.id, JSON.stringify(e.payload)]));
  await turnstile.enter(terminalId, firstSeq, () => committedAppliedSeq(db, terminalId));
  let outcome: PushOutcome;
  try {
    outcome = await applyBatch(db, turnstile, who, events, payloads, now);
  } catch (error) {
    turnstile.failed(terminalId);
    throw error;
  }
  // Voids and refunds held until these sales arrived are judged now (awaiting-sales.ts).
  const sales = events.flatMap((e) => (e.kind === 'sale.committed' ? [e.payload.saleId] : []));
  if (sales.length > 0) await releaseAwaitingSales(db, sales, now);
  return outcome;
}

function applyBatch(
  db: Db,
  turnstile: Turnstile,
  who: PushingTerminal,
  events: readonly SyncEvent[],
  payloads: ReadonlyMap<string, string>,
  now: number,
): Promise<PushOutcome> {
  const { terminalId } = who;
  const lastSeq = events[events.length - 1]?.seq ?? 0;
  // Locks in the server's one order (store/lock-order.ts): the change lock, this terminal's row, the batch's members, then holds.
  return changeTransaction(
    db,
    async (tx) => {
      const terminal = await lockTerminalForPush(tx, terminalId);
      if (terminal === undefined) throw new Error('authenticated terminal vanished');
      turnstile.locked(terminalId, lastSeq);
      const knownRows = await tx.query<{ id: string; reasons: FlagKind[]; terminal_id: string; status: string }>(
        `SELECT id, reasons, terminal_id, status FROM applied_events WHERE id = ${anyOf('$1', 'uuid')}`,
        [jsonList(events.map((e) => e.id))],
      );
      const { duplicates, fresh } = classifyBatch(
        events,
        terminal.applied_seq,
        new Map(knownRows.map((r) => [r.id, { reasons: r.reasons, terminalId: r.terminal_id, status: r.status }])),
        terminalId,
      );
      const appliedSeq = Math.max(terminal.applied_seq, events[events.length - 1]?.seq ?? 0);

      let plan: ApplyPlan | null = null;
      if (fresh.length > 0) {
        plan = await applyFresh(tx, who, fresh, payloads, now);
      }
      await tx.query('UPDATE terminals SET applied_seq = $2, last_seen_at = $3 WHERE id = $1', [terminalId, appliedSeq, now]);

      const results: EventResult[] = events.map((e, i) => duplicates[i] ?? plan!.results.get(e.id)!);
      const counts = { applied: 0, duplicate: 0, adjusted: 0, held: 0, refused: 0 };
      for (const r of results) {
        if (r.status === 'applied') counts.applied++;
        else if (r.status === 'duplicate') counts.duplicate++;
        else if (r.status === 'held') counts.held++;
        else if (r.status === 'refused') counts.refused++;
        else counts.adjusted++;
      }
      return { results, appliedSeq, counts };
    },
    'push',
  );
}

/**
 * How applyFresh treats its events: `new` (a push); `approve` (one held event a
 * person approved, server/admin/held.ts: its ledger is the one judged when it
 * was held, not judged again); `rejudge` (a held void or refund whose sale has
 * arrived, awaiting-sales.ts: judged again). The last two update the event's
 * applied_events row instead of inserting it.
 */
export type ApplyMode = 'new' | 'approve' | 'rejudge';

export async function applyFresh(
  tx: Queryable,
  who: PushingTerminal,
  events: readonly SyncEvent[],
  payloads: ReadonlyMap<string, string>,
  now: number,
  mode: ApplyMode = 'new',
): Promise<ApplyPlan> {
  const { terminalId } = who;
  const program = await currentProgram(tx);
  const memberIds = new Set<string>();
  const phones = new Set<string>();
  const emails = new Set<string>();
  const cards = new Set<string>();
  // The sales the batch's voids and refunds name (apply/trust/judge.ts): their members may get points back or lose them.
  const storedSales = await storedSalesFor(
    tx,
    new Set(events.flatMap((e) => (e.kind === 'sale.voided' || e.kind === 'sale.refunded' ? [e.payload.saleId] : []))),
  );
  // Members whose points the server may move beyond what the till claims: it derives its own ledger.
  const mayDebit = new Map<string, number>();
  const couldDebit = (id: string, at: number) => {
    memberIds.add(id);
    mayDebit.set(id, Math.min(mayDebit.get(id) ?? at, at));
  };
  for (const e of events) {
    for (const entry of e.payload.ledger) memberIds.add(entry.memberId);
    if (e.kind === 'points.adjusted') couldDebit(e.payload.memberId, e.createdAt);
    if (e.kind === 'sale.committed' && e.payload.memberId !== null) {
      memberIds.add(e.payload.memberId);
      if (e.payload.pointsRedeemed > 0 || e.payload.rewardId != null) couldDebit(e.payload.memberId, e.createdAt);
    }
    if (e.kind === 'sale.voided' || e.kind === 'sale.refunded')
      for (const entry of storedSales.get(e.payload.saleId)?.ledger ?? []) couldDebit(entry.memberId, e.createdAt);
    if (e.kind === 'member.enrolled') {
      memberIds.add(e.payload.memberId);
      if (e.payload.phone?.trim()) phones.add(e.payload.phone.trim());
      if (e.payload.email?.trim()) emails.add(e.payload.email.trim().toLowerCase());
      if (e.payload.cardNumber != null) cards.add(e.payload.cardNumber);
    }
  }
  const members = await lockMembers(tx, memberIds);
  const stored = new Map([...members.values()].map((m) => [m.id, m.status]));
  // Only a debit consumes lots, those alive at its time; a credit adds one (lots past their date that it leaves alone are the expiry run's).
  const debits = events.flatMap((e) => e.payload.ledger.filter((entry) => entry.points < 0).map((entry) => ({ e, entry })));
  const earliestDebit = Math.min(now, ...debits.map(({ e }) => e.createdAt), ...mayDebit.values());
  const lots = await spendableLots(tx, new Set([...debits.map(({ entry }) => entry.memberId), ...mayDebit.keys()]), earliestDebit);
  const windowStart = program === null ? Number.NEGATIVE_INFINITY : qualifyingWindowStart(now, program);
  const gains = qualifyingGains(events, now, windowStart);
  const exact = new Set([...members.values()].filter((m) => needsExactQualifying(m, gains.get(m.id) ?? 0, program, now)).map((m) => m.id));
  const summed = exact.size === 0 ? new Map<string, number>() : await qualifyingSince(tx, exact, windowStart);
  // Exact sums where needed, bounds elsewhere (they cannot reach a new tier); a member new to the server has none.
  const qualifying = new Map(
    [...members.values()].map((m) => [m.id, exact.has(m.id) ? (summed.get(m.id) ?? 0) : (m.qualifying_bound ?? 0)]),
  );
  const contacts =
    phones.size + emails.size === 0
      ? []
      : await tx.query<{ id: string; phone: string | null; email: string | null }>(
          `SELECT id, phone, lower(email) AS email FROM members WHERE status <> 'pending_enrolment'
           AND (phone = ${anyOf('$1', 'text')} OR lower(email) = ${anyOf('$2', 'text')})`,
          [jsonList(phones), jsonList(emails)],
        );
  const cardRows =
    cards.size === 0
      ? []
      : await tx.query<{ card: string; member_id: string }>(
          `SELECT card, member_id FROM member_cards WHERE card = ${anyOf('$1', 'text')}`,
          [jsonList(cards)],
        );

  // Refunds are checked against their sale's lines and earlier refunds from any till (refund-check.ts).
  const refunds = await refundBookFor(tx, events, program);
  const trust = mode === 'approve' ? undefined : await loadTrustBook(tx, who, events, program, now, storedSales);
  const history = await loadHistories(tx, terminalId, events, program, now);
  const plan = applyEvents(
    {
      terminalId,
      now,
      program,
      members,
      lots,
      qualifying,
      contacts,
      cardOwners: new Map(cardRows.map((r) => [r.card, r.member_id])),
      refunds,
      ...(trust !== undefined && { trust }),
      history,
      holdOwners: await holdOwners(tx, events),
      qualifyingAt: await qualifyingAtSales(tx, events, members, program, now),
    },
    events,
  );

  // One statement: a placeholder whose enrolment arrived gets every column; the rest only their points and tier.
  const filled = (m: MemberRow) => stored.get(m.id) === 'pending_enrolment' && m.status !== 'pending_enrolment';
  await runWrites(tx, [
    insertMembers(plan.members.filter((m) => !stored.has(m.id))),
    updateMembers(plan.members.filter((m) => stored.has(m.id) && filled(m))),
    updateMemberPoints(plan.members.filter((m) => stored.has(m.id) && !filled(m))),
    mode === 'new'
      ? insertWrite('applied_events', APPLIED_EVENT_COLUMNS, appliedEventsJson(plan, payloads))
      : updateWrite(
          'applied_events',
          'id uuid, status text, reasons jsonb, payload jsonb',
          'uuid',
          plan.appliedEvents.map((e) => ({
            id: e.id,
            status: mode === 'approve' ? 'applied_with_adjustment' : e.status,
            reasons: e.reasons,
            payload: JSON.parse(plan.storedPayloads.get(e.id) ?? payloads.get(e.id)!) as unknown,
          })),
        ),
    insertWrite('ledger', LEDGER_COLUMNS, plan.ledger),
    ...lotWrites(plan.newLots, plan.lotUpdates),
    insertWrite('member_cards', 'card text, member_id uuid, created_at bigint', plan.cards, 'ON CONFLICT (card) DO NOTHING'),
    insertWrite('flags', 'kind text, member_id uuid, event_id uuid, details jsonb, created_at bigint', plan.flags),
    // The sale's redemption is in the ledger; posting closes the hold so it stops counting against "available".
    holdPosts(
      plan.holdPosts.map((h) => ({ ...h, closed_at: now })),
      terminalId,
    ),
    ...trustWrites(plan),
  ]);
  // A member of another store buying here enters this store's scope (docs/privacy.md).
  await recordSightings(
    tx,
    events.flatMap((e) => {
      const memberId = e.kind === 'sale.committed' ? e.payload.memberId : null;
      const home = memberId === null ? undefined : members.get(memberId)?.enrolled_store;
      return memberId !== null && home !== undefined && home !== who.storeId ? [{ memberId, storeId: who.storeId, at: e.createdAt }] : [];
    }),
    program,
    now,
  );
  return plan;
}

const APPLIED_EVENT_COLUMNS =
  'id uuid, terminal_id uuid, seq bigint, kind text, created_at bigint, applied_at bigint, status text, reasons jsonb, payload jsonb';

/** The applied events as JSON array text, each payload spliced in from the text made before the locks were taken. */
function appliedEventsJson(plan: ApplyPlan, payloads: ReadonlyMap<string, string>): string {
  const payloadOf = (id: string) => plan.storedPayloads.get(id) ?? payloads.get(id)!;
  return `[${plan.appliedEvents.map((e) => `${JSON.stringify(e).slice(0, -1)},"payload":${payloadOf(e.id)}}`).join(',')}]`;
}

/** Only the terminal that placed a hold posts it (another's is flagged hold_not_owned in apply-events.ts). */
function holdPosts(rows: readonly { id: string; sale_id: string; closed_at: number }[], terminalId: string): RowsWrite | null {
  if (rows.length === 0) return null;
  return {
    sql: (source) =>
      `UPDATE holds h SET status = 'posted', closed_at = x.closed_at, sale_id = x.sale_id FROM jsonb_to_recordset(${source}) AS x(id uuid, sale_id uuid, closed_at bigint, terminal_id uuid) WHERE h.id = x.id AND h.id = ${anyKeyOf(source, 'id', 'uuid')} AND h.status = 'active' AND h.terminal_id = x.terminal_id`,
    json: JSON.stringify(rows.map((r) => ({ ...r, terminal_id: terminalId }))),
  };
}
