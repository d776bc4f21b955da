/**
 * Applies new events to members held in memory and returns every row to
 * write. Pure: the caller loads the state (rows locked) and writes the plan in
 * the same transaction, so a batch is applied whole or not at all.
 *
 * Every event is judged first (trust/judge.ts): the server applies only the
 * points it derives or bounds; what is outside the till's scope or above a
 * bound is held for a person or refused. A completed offline sale is never
 * lost: a held sale is recorded with its points waiting. What needs a person
 * is flagged (overdraft, earn by a blocked member, duplicate enrolment).
 */
import { birthdayOf } from '../../shared/loyalty/bonuses.ts';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { evaluateTier, qualifyingWindowStart, tierForPoints, tierIndex } from '../../shared/loyalty/tiers.ts';
import type { ProgramConfig } from '../../shared/program.ts';
import type { FlagKind, EventResult, LedgerEntry, SyncEvent } from '../../shared/sync-protocol.ts';
import type { MemberRow } from '../store/member-rows.ts';
import { isErasedRow, scrubEnrolmentPayload } from './erased-enrolment.ts';
import { addPurchase, isPurchase } from './member-purchases.ts';
import { countsForTier } from './qualifying.ts';
import { checkedLedger, type RefundBook } from './refund-check.ts';
import { expireDue } from './expiry.ts';
import { applyEntry, type LedgerRowOut, type LotState, type PointsState, type PointsWriter } from './member-points.ts';
import { dayOf, judgeEvent, type Judgement, type Reason, type TrustBook } from './trust/judge.ts';
import type { ServerMemberFacts } from './trust/reprice-sale.ts';

/** What the server holds of a member's bonuses and purchases (push.ts loads them for the batch's sale members). */
export interface MemberHistory {
  /** "kind|period" of bonus_grants. */
  grants: Set<string>;
  /** Times of the member's purchases inside the nth-purchase window (all tills), ascending. */
  purchaseTimes: number[];
  /** When the member last got the nth-purchase bonus, or null. */
  lastNthAt: number | null;
}

export interface ApplyInput {
  terminalId: string;
  now: number;
  program: ProgramConfig | null;
  members: Map<string, MemberRow>;
  lots: Map<string, LotState[]>;
  /** Qualifying points per stored member since the tier window's start, or an upper bound that reaches no new tier (qualifying.ts). */
  qualifying: Map<string, number>;
  /** Other members' phone / lower-cased email, for duplicate enrolment checks. */
  contacts: { id: string; phone: string | null; email: string | null }[];
  cardOwners: Map<string, string>;
  /** The sales the batch's refunds name (push.ts loads them): refunds are checked against them (refund-check.ts). */
  refunds?: RefundBook;
  /** The server's checks (trust/judge.ts); without it (approving a held event) the event's ledger is applied as judged before. */
  trust?: Omit<TrustBook, 'factsOf'>;
  history?: Map<string, MemberHistory>;
  /** Hold id → the terminal that placed it, for the holds the batch's sales name. */
  holdOwners?: Map<string, string>;
  /**
   * Per sale event claiming a tier above its member's stored one: the member's qualifying points
   * in the tier window ending at the sale's time, before this batch (store/trust-rows.ts).
   */
  qualifyingAt?: Map<string, number>;
}

export interface FlagRow {
  kind: FlagKind;
  member_id: string | null;
  event_id: string;
  details: Record<string, unknown>;
  created_at: number;
}

export interface ApplyPlan {
  results: Map<string, EventResult>;
  /** Without their payloads: the writer splices in the text it made before taking locks (server/apply/push.ts). */
  appliedEvents: {
    id: string;
    terminal_id: string;
    seq: number;
    kind: string;
    created_at: number;
    applied_at: number;
    status: string;
    reasons: string[];
  }[];
  ledger: LedgerRowOut[];
  newLots: { member_id: string; remaining: number; expired: number; expires_at: number | null; created_at: number }[];
  lotUpdates: { id: number; remaining: number; expired: number }[];
  members: MemberRow[];
  cards: { card: string; member_id: string; created_at: number }[];
  flags: FlagRow[];
  holdPosts: { id: string; sale_id: string }[];
  held: HeldRow[];
  grants: { member_id: string; kind: string; period: string; event_id: string; granted_at: number }[];
  usage: { key: string; points: number }[];
  /** Payloads the server rewrote (a re-priced sale: its figures, the till's beside them), by event id. */
  storedPayloads: Map<string, string>;
}

export interface HeldRow {
  event_id: string;
  terminal_id: string;
  kind: string;
  member_id: string | null;
  sale_id: string | null;
  reasons: FlagKind[];
  details: Record<string, unknown>[];
  ledger: LedgerEntry[];
  created_at: number;
}

type Flagger = (kind: FlagKind, memberId: string | null, details: Record<string, unknown>) => void;
type EnrolmentPayload = Extract<SyncEvent, { kind: 'member.enrolled' }>['payload'];

export function applyEvents(input: ApplyInput, events: readonly SyncEvent[]): ApplyPlan {
  const { now, program } = input;
  const plan: ApplyPlan = {
    results: new Map(),
    appliedEvents: [],
    ledger: [],
    newLots: [],
    lotUpdates: [],
    members: [],
    cards: [],
    flags: [],
    holdPosts: [],
    held: [],
    grants: [],
    usage: [],
    storedPayloads: new Map(),
  };
  let lotIds = 0;
  const writer: PointsWriter = { ledger: plan.ledger, nextLotId: () => --lotIds, appliedAt: now };
  const windowStart = program === null ? Number.NEGATIVE_INFINITY : qualifyingWindowStart(now, program);
  const lowestTier = program?.tiers.levels[0]?.id ?? '';
  const states = new Map<string, PointsState>();
  const touched = new Set<string>();
  const contacts = input.contacts.map((c) => ({ ...c }));
  const histories = input.history ?? new Map<string, MemberHistory>();
  /** Qualifying points this batch applied, per member, with their times. */
  const batchGains = new Map<string, { at: number; q: number }[]>();
  /** The most qualifying points a member had at any point of this batch: a till upgrades after each sale, and a later void does not take the tier back. */
  const peakQualifying = new Map<string, number>();
  const historyOf = (id: string): MemberHistory => {
    let h = histories.get(id);
    if (h === undefined) histories.set(id, (h = { grants: new Set(), purchaseTimes: [], lastNthAt: null }));
    return h;
  };
  const trust: TrustBook | null =
    input.trust === undefined
      ? null
      : {
          ...input.trust,
          usage: memberCredits(input.trust.usage, input.members),
          factsOf: (id, at, p, eventId) => {
            // A member whose enrolment has not arrived: the server knows nothing of it yet (the lowest tier, no bonus granted).
            const row = input.members.get(id) ?? member(id, at);
            // The tier the member held at the sale's time: its window then, with this batch's earlier entries in it.
            const before = eventId === undefined ? undefined : input.qualifyingAt?.get(eventId);
            const windowThen = qualifyingWindowStart(at, p);
            const then =
              before === undefined
                ? null
                : before + (batchGains.get(id) ?? []).filter((g) => g.at > windowThen && g.at <= at).reduce((s, g) => s + g.q, 0);
            const qualifying = Math.max(states.get(id)?.qualifying ?? input.qualifying.get(id) ?? 0, peakQualifying.get(id) ?? 0);
            return memberFacts(row, qualifying, then, historyOf(id), at, p);
          },
        };

  const member = (id: string, at: number): MemberRow => {
    let row = input.members.get(id);
    if (row === undefined) {
      // Enrolled offline on a terminal whose event has not arrived: keep the points on a placeholder the enrolment fills in.
      row = {
        id,
        status: 'pending_enrolment',
        name: '',
        phone: null,
        email: null,
        birth_date: null,
        consent_marketing: false,
        referred_by: null,
        enrolled_store: '',
        enrolled_at: at,
        tier: lowestTier,
        tier_reviewed_at: null,
        balance: 0,
        qualifying_bound: 0,
        tier_before: null,
        tier_changed_at: null,
        credit_day: null,
        credited_today: 0,
        purchase_count: 0,
        purchase_recent: [],
        created_at: now,
        updated_at: now,
      };
      input.members.set(id, row);
    }
    touched.add(id);
    return row;
  };
  const points = (row: MemberRow): PointsState => {
    let s = states.get(row.id);
    if (s === undefined) {
      s = { memberId: row.id, balance: row.balance, lots: input.lots.get(row.id) ?? [], qualifying: input.qualifying.get(row.id) ?? 0 };
      states.set(row.id, s);
    }
    return s;
  };

  for (const event of events) {
    const reasons = new Set<FlagKind>();
    const flag: Flagger = (kind, memberId, details) => {
      reasons.add(kind);
      plan.flags.push({ kind, member_id: memberId, event_id: event.id, details, created_at: now });
    };

    // Expiry is judged at the event's time (never after now): an offline sale spent points that were alive when it happened.
    const at = Math.min(event.createdAt, now);
    const judged: Judgement =
      trust === null
        ? { verdict: 'apply', reasons: [], ledger: event.payload.ledger, grants: [], usage: [] }
        : judgeEvent(trust, event, at);
    const flagJudged = () => {
      for (const r of judged.reasons) flag(r.kind, r.memberId, r.details);
    };
    if (judged.verdict !== 'apply') {
      flagJudged();
      const status = judged.verdict === 'hold' ? 'held' : 'refused';
      // The till applied its claim locally: its members' rows are written again, so its next pull brings the server's figures.
      for (const e of event.payload.ledger) if (input.members.has(e.memberId)) member(e.memberId, at);
      if (judged.verdict === 'hold') {
        plan.held.push(heldRow(event, judged.reasons, judged.ledger, judged.saleId));
        // A held sale is recorded with the server's figures: a void of it before approval takes back nothing.
        if (event.kind === 'sale.committed')
          plan.storedPayloads.set(
            event.id,
            JSON.stringify({
              ...event.payload,
              ledger: [],
              claimed: { pointsEarned: event.payload.pointsEarned, ledger: event.payload.ledger },
            }),
          );
      }
      plan.results.set(event.id, { id: event.id, seq: event.seq, status, reasons: [...reasons] });
      plan.appliedEvents.push({
        id: event.id,
        terminal_id: input.terminalId,
        seq: event.seq,
        kind: event.kind,
        created_at: event.createdAt,
        applied_at: now,
        status,
        reasons: [...reasons],
      });
      continue;
    }
    if (judged.storedPayload !== undefined) plan.storedPayloads.set(event.id, JSON.stringify(judged.storedPayload));
    for (const g of judged.grants) {
      plan.grants.push({ member_id: g.memberId, kind: g.kind, period: g.period, event_id: event.id, granted_at: at });
      historyOf(g.memberId).grants.add(`${g.kind}|${g.period}`);
      if (g.kind === 'nth_purchase') historyOf(g.memberId).lastNthAt = at;
    }
    plan.usage.push(...judged.usage);

    if (event.kind === 'member.enrolled') enrol(event.payload, flag, event.id);
    // Sales, voids and refunds are read from applied_events (the sales and refunds views).
    if (event.kind === 'sale.committed' && event.payload.holdId != null) {
      const owner = input.holdOwners?.get(event.payload.holdId);
      if (owner === undefined || owner === input.terminalId)
        plan.holdPosts.push({ id: event.payload.holdId, sale_id: event.payload.saleId });
      else flag('hold_not_owned', event.payload.memberId, { holdId: event.payload.holdId });
    }
    if (isPurchase(event.kind, 'memberId' in event.payload ? event.payload.memberId : null, judged.ledger)) {
      const buyer = event.payload.memberId as string;
      historyOf(buyer).purchaseTimes.push(at);
      // On the member's row too, for every till's pull (member-purchases.ts): at the sale's own time, as applied_events keeps it.
      addPurchase(member(buyer, at), event.createdAt);
    }

    // A refund's points refused or bounded there: the member's row is rewritten, so tills pull the server's balance.
    const judgedEvent = { ...event, payload: { ...event.payload, ledger: judged.ledger } } as SyncEvent;
    const ledger = checkedLedger(input.refunds, judgedEvent, program, now, (kind, memberId, details) => {
      if (input.members.has(memberId)) member(memberId, at);
      flag(kind, memberId, details);
    });
    // A refund beyond its sale's lines applies nothing (refund-check.ts): the bound of its points says nothing more.
    if (!reasons.has('refund_exceeds_sale')) flagJudged();
    for (const entry of ledger) applyLedgerEntry(entry, event.id, at, countsForTier(event, now, windowStart), flag);

    const status = reasons.size > 0 ? 'applied_with_adjustment' : 'applied';
    plan.results.set(
      event.id,
      reasons.size > 0 ? { id: event.id, seq: event.seq, status, reasons: [...reasons] } : { id: event.id, seq: event.seq, status },
    );
    plan.appliedEvents.push({
      id: event.id,
      terminal_id: input.terminalId,
      seq: event.seq,
      kind: event.kind,
      created_at: event.createdAt,
      applied_at: now,
      status,
      reasons: [...reasons],
    });
  }

  function heldRow(event: SyncEvent, why: readonly Reason[], ledger: LedgerEntry[], saleId: string | null): HeldRow {
    return {
      event_id: event.id,
      terminal_id: input.terminalId,
      kind: event.kind,
      member_id: 'memberId' in event.payload ? (event.payload.memberId ?? null) : null,
      sale_id: saleId,
      reasons: why.map((r) => r.kind),
      details: why.map((r) => ({ kind: r.kind, ...r.details })),
      ledger,
      created_at: now,
    };
  }

  function applyLedgerEntry(entry: LedgerEntry, eventId: string, at: number, inWindow: boolean, flag: Flagger): void {
    const row = member(entry.memberId, at);
    const state = points(row);
    expireDue(state, at, writer);
    // A till may shorten a lot's life, never lengthen it past the programme's expiry (a date far in the future is not its to set).
    const programExpiry = program === null ? null : lotExpiry(at, program);
    const claimedExpiry = entry.expiresAt ?? null;
    const expiresAt =
      entry.points <= 0
        ? null
        : claimedExpiry === null
          ? programExpiry
          : programExpiry === null
            ? claimedExpiry
            : Math.min(claimedExpiry, programExpiry);
    if (entry.qualifying !== 0) {
      const gains = batchGains.get(row.id) ?? [];
      gains.push({ at, q: entry.qualifying });
      batchGains.set(row.id, gains);
    }
    const after = applyEntry(
      state,
      { kind: entry.kind, points: entry.points, qualifying: entry.qualifying, expiresAt, reason: entry.reason ?? null },
      eventId,
      at,
      inWindow,
      writer,
    );
    peakQualifying.set(row.id, Math.max(peakQualifying.get(row.id) ?? 0, state.qualifying));
    if (entry.points < 0 && (entry.kind === 'redeem' || entry.kind === 'adjust') && after < 0) {
      flag('overdraft', row.id, { points: entry.points, balanceAfter: after });
    }
    if (entry.points > 0 && (entry.kind === 'earn' || entry.kind === 'bonus') && row.status === 'blocked') {
      flag('blocked_member_earn', row.id, { points: entry.points });
    }
  }

  /** Fills in a new member or a placeholder; an id enrolled before keeps its first enrolment. */
  function enrol(p: EnrolmentPayload, flag: Flagger, eventId: string): void {
    const existing = input.members.get(p.memberId);
    const row = member(p.memberId, p.enrolledAt);
    if (existing !== undefined && existing.status !== 'pending_enrolment') {
      // An erased member's later enrolment brings no personal data back, not even into the stored event (erased-enrolment.ts).
      if (isErasedRow(existing)) {
        const stored = plan.storedPayloads.get(eventId);
        plan.storedPayloads.set(
          eventId,
          JSON.stringify(scrubEnrolmentPayload(stored === undefined ? p : (JSON.parse(stored) as EnrolmentPayload))),
        );
      }
      return;
    }
    const phone = p.phone?.trim() || null;
    const email = p.email?.trim() || null;
    const emailKey = email?.toLowerCase() ?? null;
    Object.assign(row, {
      status: 'active',
      name: p.name,
      phone,
      email,
      birth_date: p.birthDate ?? null,
      consent_marketing: p.consentMarketing,
      referred_by: p.referredBy ?? null,
      enrolled_store: p.storeId,
      enrolled_at: p.enrolledAt,
    } satisfies Partial<MemberRow>);
    // Same phone or email as another member: keep both, a manager decides (never merged silently).
    const others = contacts
      .filter((c) => c.id !== p.memberId && ((phone !== null && c.phone === phone) || (emailKey !== null && c.email === emailKey)))
      .map((c) => c.id);
    contacts.push({ id: p.memberId, phone, email: emailKey });
    let cardOwner: string | undefined;
    if (p.cardNumber != null) {
      cardOwner = input.cardOwners.get(p.cardNumber);
      if (cardOwner === undefined) {
        input.cardOwners.set(p.cardNumber, p.memberId);
        plan.cards.push({ card: p.cardNumber, member_id: p.memberId, created_at: p.enrolledAt });
      }
    }
    const cardTaken = cardOwner !== undefined && cardOwner !== p.memberId;
    if (others.length > 0 || cardTaken) {
      flag('duplicate_enrolment', p.memberId, {
        otherMemberIds: cardTaken ? [...new Set([...others, cardOwner])] : others,
        sameContact: others.length > 0,
        cardInUse: cardTaken,
      });
    }
  }

  for (const id of touched) {
    const row = input.members.get(id)!;
    const state = states.get(id);
    if (state !== undefined) {
      row.balance = state.balance;
      for (const lot of state.lots) {
        if (!lot.changed) continue;
        if (lot.id < 0) {
          // A lot made and expired in this batch is kept: a later late debit may still spend it.
          if (lot.remaining > 0 || lot.expired > 0)
            plan.newLots.push({
              member_id: id,
              remaining: lot.remaining,
              expired: lot.expired,
              expires_at: lot.expiresAt,
              created_at: lot.createdAt,
            });
        } else {
          plan.lotUpdates.push({ id: lot.id, remaining: lot.remaining, expired: lot.expired });
        }
      }
    }
    const qualifying = state?.qualifying ?? input.qualifying.get(id) ?? 0;
    row.qualifying_bound = qualifying;
    if (program !== null) {
      const tier = evaluateTier({
        program,
        currentTier: row.tier,
        qualifying,
        enrolledAt: row.enrolled_at,
        lastReviewAt: row.tier_reviewed_at,
        now,
      });
      // A downgrade takes effect at its review: a sale made offline before it was priced at the tier before.
      if (tier.change === 'downgrade') {
        row.tier_before = row.tier;
        row.tier_changed_at = tier.reviewedAt ?? now;
      }
      row.tier = tier.tier;
      row.tier_reviewed_at = tier.reviewedAt;
    }
    if (trust !== null && program !== null) {
      // The member's points credited today, as the bounds counted them (trust/judge.ts).
      const day = dayOf(now, program);
      const credited = trust.usage.get(`member_credit|${id}|${day}`);
      if (credited !== undefined) {
        row.credit_day = day;
        row.credited_today = credited;
      }
    }
    row.updated_at = now;
    plan.members.push(row);
  }
  return plan;
}

/** The bounds' usage with each loaded member's credits of its day (kept on its row) added. */
function memberCredits(usage: ReadonlyMap<string, number>, members: ReadonlyMap<string, MemberRow>): Map<string, number> {
  const out = new Map(usage);
  for (const m of members.values()) if (m.credit_day !== null) out.set(`member_credit|${m.id}|${m.credit_day}`, Number(m.credited_today));
  return out;
}

/** The server's facts of a member for re-pricing a sale at `at` (trust/reprice-sale.ts). */
function memberFacts(
  row: MemberRow,
  qualifying: number,
  qualifyingThen: number | null,
  history: MemberHistory,
  at: number,
  program: ProgramConfig,
): ServerMemberFacts {
  // The highest tier the server can justify: the member's, what its qualifying points (an upper bound) reach now,
  // or what they reached in the window ending at the sale (a sale made offline before a downgrade).
  const candidates = [
    row.tier,
    ...(row.tier_before !== null && row.tier_changed_at !== null && at < row.tier_changed_at ? [row.tier_before] : []),
    evaluateTier({ program, currentTier: row.tier, qualifying, enrolledAt: row.enrolled_at, lastReviewAt: null, now: at }).tier,
    ...(qualifyingThen === null ? [] : [tierForPoints(program, qualifyingThen).id]),
  ];
  const allowedTier = candidates.reduce((best, t) => (tierIndex(program, t) > tierIndex(program, best) ? t : best));
  const nth = program.bonuses.nthPurchase;
  const since = Math.max(history.lastNthAt ?? 0, nth === null ? at : at - nth.withinDays * 86_400_000);
  return {
    tier: row.tier,
    allowedTier,
    birthday: birthdayOf(row.birth_date),
    enrolledAt: row.enrolled_at,
    referredBy: row.referred_by,
    grants: history.grants,
    recentPurchaseTimes: history.purchaseTimes.filter((t) => t > since && t <= at),
  };
}
