/**
 * The server's judgement of one event a till pushed, before any point moves
 * (docs/sync-protocol.md, "How the server checks a till"). Pure: push.ts loads
 * the TrustBook; apply-events.ts applies the ledger this returns.
 *
 * The principle: the server never applies a point it cannot derive or bound.
 * 1. Scope: the event names the terminal's store; its staff exists, is active,
 *    works at that store and holds the role the command needs. Outside it, a
 *    sale or an enrolment is held for a person (the goods have left, the
 *    customer exists), an adjustment, void or refund is refused.
 * 2. Derivation: a sale is re-priced (reprice-sale.ts); an adjustment moves
 *    exactly its stated points; an enrolment earns the programme's welcome
 *    bonus once; a void or refund cannot give back more than its sale took,
 *    nor take back more than it gave. A void or refund of a sale not yet here
 *    is held until it arrives.
 * 3. Bounds (programme `bounds`): above them, held for approval.
 */
import { enrolmentBonus } from '../../../shared/loyalty/bonuses.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';
import { earnExpired } from '../../../shared/loyalty/refund.ts';
import { boundsOf, type ProgramConfig } from '../../../shared/program.ts';
import { MAX_CLOCK_SKEW_MS, type FlagKind, type LedgerEntry, type SyncEvent } from '../../../shared/sync-protocol.ts';
import { repriceSale, type ServerMemberFacts } from './reprice-sale.ts';

export type Role = 'cashier' | 'manager' | 'admin';

export interface StaffFacts {
  role: Role;
  active: boolean;
  /** null: works at every store. */
  storeId: string | null;
}

/** A stored sale as voids and refunds are judged against it: the server's own figures. */
export interface StoredSale {
  storeId: string;
  memberId: string | null;
  /** The sale's time: when its earned points expire (refund policy). */
  createdAt: number;
  /** The ledger the server applied for the sale, then the reversals (kind 'reverse') applied to it since. */
  ledger: readonly LedgerEntry[];
}

export interface TrustBook {
  /** The server's time: daily bounds count by the day an event arrives (a back-dated event cannot use past days' room). */
  now: number;
  terminalId: string;
  /** When the terminal was paired: nothing it sends can have happened before. */
  pairedAt: number;
  storeId: string;
  protocolVersion: 1 | 2;
  staff: ReadonlyMap<string, StaffFacts>;
  /** Every programme version the batch names, and the current one. */
  programs: ReadonlyMap<number, ProgramConfig>;
  current: ProgramConfig | null;
  productCategories: ReadonlyMap<string, string>;
  /** The server's facts of a member at a time (the tier it can justify needs the batch's state: apply-events.ts). */
  /** `eventId`: the sale being judged, whose tier-window sum push.ts may have loaded (qualifyingAt). */
  factsOf(memberId: string, at: number, program: ProgramConfig, eventId?: string): ServerMemberFacts | null;
  /** Sales voids and refunds name, and the batch's own sales as they are judged. */
  sales: Map<string, StoredSale>;
  /** Points counted against daily bounds, "scope|key|day" → points; the batch's own are added as judged. */
  usage: Map<string, number>;
}

export interface Reason {
  kind: FlagKind;
  memberId: string | null;
  details: Record<string, unknown>;
}

export type Judgement =
  | { verdict: 'refuse'; reasons: Reason[] }
  | { verdict: 'hold'; reasons: Reason[]; ledger: LedgerEntry[]; saleId: string | null; usage: UsageCount[] }
  | {
      verdict: 'apply';
      reasons: Reason[];
      ledger: LedgerEntry[];
      /** For a sale the server re-priced: the payload to store (its figures, the till's beside them). */
      storedPayload?: Record<string, unknown>;
      grants: { memberId: string; kind: string; period: string }[];
      usage: UsageCount[];
    };

export interface UsageCount {
  key: string;
  points: number;
}

const RANK: Record<Role, number> = { cashier: 0, manager: 1, admin: 2 };
const NEEDS: Record<SyncEvent['kind'], Role> = {
  'sale.committed': 'cashier',
  'sale.voided': 'cashier',
  'member.enrolled': 'manager',
  'sale.refunded': 'manager',
  'points.adjusted': 'manager',
};

export function judgeEvent(book: TrustBook, event: SyncEvent, at: number): Judgement {
  const reasons: Reason[] = [];
  const p = event.payload;
  const memberOf = 'memberId' in p ? (p.memberId ?? null) : null;

  // 1. Scope.
  const storeId = 'storeId' in p ? p.storeId : undefined;
  if (storeId !== undefined && storeId !== book.storeId)
    reasons.push({ kind: 'wrong_store', memberId: memberOf, details: { eventStore: storeId, terminalStore: book.storeId } });
  const staff = book.staff.get(p.staffId);
  const needs = NEEDS[event.kind];
  if (
    staff === undefined ||
    !staff.active ||
    (staff.storeId !== null && staff.storeId !== book.storeId) ||
    RANK[staff.role] < RANK[needs]
  ) {
    reasons.push({
      kind: 'staff_not_allowed',
      memberId: memberOf,
      details: {
        staffId: p.staffId,
        problem:
          staff === undefined
            ? 'unknown'
            : !staff.active
              ? 'inactive'
              : staff.storeId !== null && staff.storeId !== book.storeId
                ? 'other_store'
                : 'role',
        needs,
      },
    });
  }
  if (reasons.length > 0) {
    if (event.kind === 'sale.committed' || event.kind === 'member.enrolled') {
      const derived = deriveLedger(book, event, at, []);
      return { verdict: 'hold', reasons, ledger: derived.ok ? derived.ledger : [], saleId: null, usage: [] };
    }
    return { verdict: 'refuse', reasons };
  }

  // 2. Derivation.
  const derived = deriveLedger(book, event, at, reasons);
  if (!derived.ok) {
    if (derived.awaitingSale !== undefined) {
      reasons.push({ kind: 'awaiting_sale', memberId: memberOf, details: { saleId: derived.awaitingSale } });
      return { verdict: 'hold', reasons, ledger: [], saleId: derived.awaitingSale, usage: [] };
    }
    // A void or refund of another store's sale is out of the till's scope: refused, as its own store's id would be.
    if (event.kind === 'sale.voided' || event.kind === 'sale.refunded') return { verdict: 'refuse', reasons };
    return { verdict: 'hold', reasons, ledger: [], saleId: null, usage: [] };
  }

  // 3. Bounds.
  const program = book.current;
  const usage: UsageCount[] = [];
  if (program !== null) {
    const bounds = boundsOf(program);
    const day = dayOf(book.now, program);
    // A sale, adjustment or enrolment dated long before it arrives (a till's clock set back to claim a past year's bonus,
    // or a till offline beyond any real outage) waits for a person.
    if (at < book.pairedAt - MAX_CLOCK_SKEW_MS)
      reasons.push({ kind: 'over_limit', memberId: memberOf, details: { bound: 'beforePairing', pairedAt: book.pairedAt } });
    else if (event.kind !== 'sale.voided' && event.kind !== 'sale.refunded' && book.now - at > bounds.maxEventAgeDays * 86_400_000)
      reasons.push({
        kind: 'over_limit',
        memberId: memberOf,
        details: { bound: 'maxEventAgeDays', limit: bounds.maxEventAgeDays, ageDays: Math.floor((book.now - at) / 86_400_000) },
      });
    const credits = new Map<string, number>();
    for (const e of derived.ledger)
      if (e.points > 0 && e.kind !== 'reverse') credits.set(e.memberId, (credits.get(e.memberId) ?? 0) + e.points);
    const over = (details: Record<string, unknown>, memberId: string | null) => reasons.push({ kind: 'over_limit', memberId, details });
    if (event.kind === 'sale.committed' && p.memberId != null && (credits.get(p.memberId) ?? 0) > bounds.pointsPerSale)
      over({ bound: 'pointsPerSale', limit: bounds.pointsPerSale, points: credits.get(p.memberId) }, p.memberId);
    for (const [memberId, points] of credits) {
      const key = `member_credit|${memberId}|${day}`;
      const used = book.usage.get(key) ?? 0;
      if (used + points > bounds.pointsPerMemberPerDay)
        over({ bound: 'pointsPerMemberPerDay', limit: bounds.pointsPerMemberPerDay, points, usedToday: used }, memberId);
      usage.push({ key, points });
    }
    if (event.kind === 'points.adjusted') {
      const size = Math.abs(event.payload.points);
      const key = `terminal_adjust|${book.terminalId}|${day}`;
      const used = book.usage.get(key) ?? 0;
      if (size > bounds.adjustmentPoints)
        over({ bound: 'adjustmentPoints', limit: bounds.adjustmentPoints, points: event.payload.points }, memberOf);
      else if (used + size > bounds.adjustmentPointsPerTerminalPerDay)
        over(
          { bound: 'adjustmentPointsPerTerminalPerDay', limit: bounds.adjustmentPointsPerTerminalPerDay, points: size, usedToday: used },
          memberOf,
        );
      usage.push({ key, points: size });
    }
    if (reasons.some((r) => r.kind === 'over_limit')) return { verdict: 'hold', reasons, ledger: derived.ledger, saleId: null, usage };
  }
  for (const u of usage) book.usage.set(u.key, (book.usage.get(u.key) ?? 0) + u.points);
  if (event.kind === 'sale.committed')
    book.sales.set(event.payload.saleId, {
      storeId: book.storeId,
      memberId: event.payload.memberId,
      createdAt: at,
      ledger: derived.ledger,
    });
  if (event.kind === 'sale.voided' || event.kind === 'sale.refunded') {
    // What this reversal moved is no longer the next one's to move (two refunds of one sale in a batch).
    const sale = book.sales.get(event.payload.saleId);
    if (sale !== undefined) book.sales.set(event.payload.saleId, { ...sale, ledger: [...sale.ledger, ...derived.ledger] });
  }
  return {
    verdict: 'apply',
    reasons,
    ledger: derived.ledger,
    ...(derived.storedPayload !== undefined && { storedPayload: derived.storedPayload }),
    grants: derived.grants,
    usage,
  };
}

/** The store-local day of `at`, for daily bounds. */
export function dayOf(at: number, program: ProgramConfig): string {
  const d = localParts(at, program.timeZone);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

type Derived =
  | {
      ok: true;
      ledger: LedgerEntry[];
      storedPayload?: Record<string, unknown>;
      grants: { memberId: string; kind: string; period: string }[];
    }
  | { ok: false; awaitingSale?: string };

function deriveLedger(book: TrustBook, event: SyncEvent, at: number, reasons: Reason[]): Derived {
  const program = book.current;
  switch (event.kind) {
    case 'sale.committed':
      return deriveSale(book, event.payload, at, reasons, event.id);
    case 'member.enrolled': {
      const p = event.payload;
      // Without a programme there is nothing to derive from: the bounds alone apply.
      if (program === null) return { ok: true, ledger: p.ledger.map((e) => ({ ...e })), grants: [] };
      // The welcome bonus, once per member, where the till claims it (as a sale's bonuses: reprice-sale.ts).
      const bonus = enrolmentBonus(program);
      const facts = book.factsOf(p.memberId, at, program);
      const claimed = p.ledger.reduce((s, e) => s + e.points, 0);
      const claimsBonus =
        p.ledger.length === 1 && p.ledger[0]!.memberId === p.memberId && p.ledger[0]!.kind === 'bonus' && p.ledger[0]!.qualifying === 0;
      const granted = bonus !== null && claimsBonus && claimed === bonus.points && !(facts?.grants.has('enrolment|') ?? false);
      const ledger: LedgerEntry[] = granted ? [{ ...p.ledger[0]! }] : [];
      const agrees = claimed === (granted ? bonus.points : 0);
      if (!agrees)
        reasons.push({ kind: 'points_repriced', memberId: p.memberId, details: { claimed, server: granted ? bonus.points : 0 } });
      return {
        ok: true,
        ledger,
        grants: granted ? [{ memberId: p.memberId, kind: 'enrolment', period: '' }] : [],
        ...(!agrees && { storedPayload: { ...p, ledger, claimed: { ledger: p.ledger } } }),
      };
    }
    case 'points.adjusted': {
      const p = event.payload;
      const ledger: LedgerEntry[] = [{ memberId: p.memberId, kind: 'adjust', points: p.points, qualifying: 0, reason: p.reason }];
      const agrees =
        p.ledger.length === 1 &&
        p.ledger[0]!.memberId === p.memberId &&
        p.ledger[0]!.kind === 'adjust' &&
        p.ledger[0]!.points === p.points &&
        p.ledger[0]!.qualifying === 0;
      if (!agrees)
        reasons.push({
          kind: 'points_repriced',
          memberId: p.memberId,
          details: { claimed: p.ledger.reduce((s, e) => s + e.points, 0), server: p.points },
        });
      return {
        ok: true,
        ledger: agrees ? p.ledger.map((e) => ({ ...e })) : ledger,
        grants: [],
        ...(!agrees && { storedPayload: { ...p, ledger, claimed: { ledger: p.ledger } } }),
      };
    }
    case 'sale.voided':
    case 'sale.refunded': {
      const p = event.payload;
      const sale = book.sales.get(p.saleId);
      if (sale === undefined) return { ok: false, awaitingSale: p.saleId };
      if (sale.storeId !== book.storeId) {
        reasons.push({ kind: 'wrong_store', memberId: p.memberId, details: { saleId: p.saleId } });
        return { ok: false };
      }
      const before = reasons.length;
      const bounded = boundReversal(sale, p.ledger, p.memberId, reasons);
      // A void reverses the whole sale: what it leaves out, the server takes back itself (the refund policy aside).
      const ledger = event.kind === 'sale.voided' ? completeVoid(sale, bounded, at, program, p.memberId, reasons) : bounded;
      const changed = reasons.length > before;
      return {
        ok: true,
        ledger,
        grants: [],
        // Stored as applied, so the next reversal of the sale is judged against what this one really moved.
        ...(changed && { storedPayload: { ...p, ledger, claimed: { ledger: p.ledger } } }),
      };
    }
  }
}

/**
 * The rest of a void's reversal, per member, where the till's fell short: the
 * points the sale gave and were not yet taken back (unless expired by the
 * void's time: shared/loyalty/refund.ts), and the points it spent and were not
 * yet given back.
 */
function completeVoid(
  sale: StoredSale,
  bounded: LedgerEntry[],
  at: number,
  program: ProgramConfig | null,
  memberId: string | null,
  reasons: Reason[],
): LedgerEntry[] {
  const net = new Map<string, { gave: number; took: number }>();
  const of = (id: string) => net.get(id) ?? (net.set(id, { gave: 0, took: 0 }), net.get(id)!);
  for (const e of [...sale.ledger, ...bounded]) {
    const n = of(e.memberId);
    if (e.kind === 'reverse') {
      if (e.points < 0) n.gave += e.points;
      else n.took -= e.points;
    } else if (e.points > 0) n.gave += e.points;
    else n.took -= e.points;
  }
  const expired = program !== null && earnExpired(lotExpiry(sale.createdAt, program), at);
  const extra: LedgerEntry[] = [];
  for (const [id, n] of net) {
    if (n.gave > 0 && !expired)
      extra.push({ memberId: id, kind: 'reverse', points: -n.gave, qualifying: 0, reason: 'void: taken back by the server' });
    if (n.took > 0) extra.push({ memberId: id, kind: 'reverse', points: n.took, qualifying: 0, reason: 'void: given back by the server' });
  }
  if (extra.length === 0) return bounded;
  const claimed = bounded.reduce((s, e) => s + e.points, 0);
  reasons.push({
    kind: 'points_repriced',
    memberId: memberId ?? sale.memberId,
    details: { claimed, server: claimed + extra.reduce((s, e) => s + e.points, 0), void: 'incomplete' },
  });
  return [...bounded, ...extra];
}

/**
 * A void or refund moves only its sale's members' points, gives back at most
 * what the sale spent and takes back at most what it gave, per member.
 */
function boundReversal(sale: StoredSale, claimed: readonly LedgerEntry[], memberId: string | null, reasons: Reason[]): LedgerEntry[] {
  const gave = new Map<string, number>();
  const took = new Map<string, number>();
  for (const e of sale.ledger) {
    // A reversal applied before (kind 'reverse') used up part of what the sale gave or took.
    if (e.kind === 'reverse') {
      if (e.points < 0) gave.set(e.memberId, (gave.get(e.memberId) ?? 0) + e.points);
      else took.set(e.memberId, (took.get(e.memberId) ?? 0) - e.points);
    } else if (e.points > 0) gave.set(e.memberId, (gave.get(e.memberId) ?? 0) + e.points);
    else took.set(e.memberId, (took.get(e.memberId) ?? 0) - e.points);
  }
  const out: LedgerEntry[] = [];
  const left = { gave: new Map(gave), took: new Map(took) };
  let capped = false;
  for (const e of claimed) {
    const pool = e.points > 0 ? left.took : left.gave;
    const room = Math.max(0, pool.get(e.memberId) ?? 0);
    const size = Math.min(Math.abs(e.points), room);
    if (size !== Math.abs(e.points) || e.kind !== 'reverse') capped = true;
    if (size === 0 || e.kind !== 'reverse') continue;
    pool.set(e.memberId, room - size);
    const qualifying = e.points < 0 ? Math.max(e.qualifying, -size) : 0;
    out.push({ ...e, points: Math.sign(e.points) * size, qualifying: Math.min(0, qualifying) });
  }
  if (capped) {
    reasons.push({
      kind: 'points_repriced',
      memberId: memberId ?? sale.memberId,
      details: { claimed: claimed.reduce((s, e) => s + e.points, 0), server: out.reduce((s, e) => s + e.points, 0) },
    });
  }
  return out;
}

function deriveSale(
  book: TrustBook,
  p: Extract<SyncEvent, { kind: 'sale.committed' }>['payload'],
  at: number,
  reasons: Reason[],
  eventId: string,
): Derived {
  const current = book.current;
  if (current === null) return { ok: true, ledger: p.ledger.map((e) => ({ ...e })), grants: [] };
  const program = (p.programVersion !== undefined ? book.programs.get(p.programVersion) : undefined) ?? current;
  const memberId = p.memberId;
  if (p.lines === undefined) return unverifiedSale(p, program, reasons);
  const year = localParts(at, program.timeZone).year;
  const facts = memberId === null ? null : book.factsOf(memberId, at, program, eventId);
  const r = repriceSale({ sale: p, program, productCategories: book.productCategories, facts, at, year });
  if (!r.ok) {
    reasons.push({ kind: 'invalid_sale', memberId, details: { problem: r.message } });
    return { ok: false };
  }
  if (r.keyedCapped !== null) reasons.push({ kind: 'keyed_earn_capped', memberId, details: r.keyedCapped });
  // A terminal on protocol 1 (the transition window) sends no member facts: the server's bounded figure applies, flagged.
  if (book.protocolVersion === 1)
    reasons.push({ kind: 'unverified', memberId, details: { claimed: r.claimed, server: r.server, protocolVersion: 1 } });
  if (!r.agrees && r.keyedCapped === null)
    reasons.push({ kind: 'points_repriced', memberId, details: { claimed: r.claimed, server: r.server, programVersion: program.version } });
  const grants = r.bonuses.flatMap((b) => {
    switch (b.kind) {
      case 'birthday':
        return [{ memberId: b.memberId, kind: 'birthday', period: String(year) }];
      case 'referral_referee':
        return [{ memberId: b.memberId, kind: 'referral_referee', period: '' }];
      case 'referral_referrer':
        return [{ memberId: b.memberId, kind: 'referral_referrer', period: memberId ?? '' }];
      case 'nth_purchase':
        // Counted per till, as the till counts its own streak (reprice-sale.ts): the period names the till.
        return [{ memberId: b.memberId, kind: 'nth_purchase', period: `${book.terminalId}|${at}` }];
    }
  });
  const earned = r.ledger
    .filter((e) => e.memberId === memberId && (e.kind === 'earn' || e.kind === 'bonus'))
    .reduce((s, e) => s + e.points, 0);
  const storedPayload = r.agrees
    ? undefined
    : { ...p, pointsEarned: earned, lines: r.lines, ledger: r.ledger, claimed: { pointsEarned: p.pointsEarned, ledger: p.ledger } };
  return { ok: true, ledger: r.ledger, grants, ...(storedPayload !== undefined && { storedPayload }) };
}

/**
 * A sale without lines (a terminal before protocol 2): it cannot be re-priced,
 * so its credits are bounded by what the programme's richest rate could give on
 * the amount paid, and flagged `unverified`.
 */
function unverifiedSale(p: Extract<SyncEvent, { kind: 'sale.committed' }>['payload'], program: ProgramConfig, reasons: Reason[]): Derived {
  // Multipliers add to the base (shared/loyalty/earn.ts): the richest rule, every promotion and the top tier at once.
  const ruleMax = Math.max(1, ...program.earn.rules.flatMap((r) => (r.effect.kind === 'multiplier' ? [r.effect.multiplier] : [])));
  const promoExtra = program.earn.promotions.reduce((s, x) => s + Math.max(0, (x.multiplier ?? 1) - 1), 0);
  const promoPoints = program.earn.promotions.reduce((s, x) => s + (x.bonusPoints ?? 0), 0);
  const tierExtra = Math.max(0, ...program.tiers.levels.map((t) => t.multiplier - 1));
  const base = Math.floor((Math.max(0, p.paidMinor) * program.earn.points) / program.earn.perMinor);
  const bound = Math.ceil(base * (ruleMax + promoExtra + tierExtra)) + promoPoints;
  const own = p.ledger.filter((e) => e.memberId === p.memberId);
  let room = bound;
  const ledger: LedgerEntry[] = [];
  for (const e of own) {
    if (e.kind === 'redeem') {
      ledger.push({ ...e });
      continue;
    }
    if (e.kind !== 'earn' || room <= 0) continue;
    const points = Math.min(e.points, room);
    room -= points;
    ledger.push({ ...e, points, qualifying: points });
  }
  reasons.push({
    kind: 'unverified',
    memberId: p.memberId,
    details: { claimed: p.ledger.reduce((s, e) => s + e.points, 0), server: ledger.reduce((s, e) => s + e.points, 0), bound },
  });
  return { ok: true, ledger, grants: [] };
}
