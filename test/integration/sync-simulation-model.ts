/**
 * An independent model of the server's points for the sync simulation,
 * written from the programme's rules (docs/programme.md) and the sync
 * protocol's account of how the server applies a batch
 * (docs/sync-protocol.md, "How the server applies events"), not from the
 * server's code. It is fed every batch the server applied (the fault proxies
 * see each push and its answer) and every run of the server's expiry job, and
 * predicts every member's balance, expired and restored points, live lots and
 * overdraft flags.
 *
 * The order it applies them in is the server's own serialisation order, read
 * from the server: a push is one transaction under the server's change lock,
 * and ledger ids (a sequence drawn inside that lock) increase in commit
 * order, so batches are applied in the order of their smallest ledger id. The
 * order the proxies saw the answers in is not that order: a terminal keeps two
 * batches in flight, and their answers may come back in either order. The
 * server may choose any serialisation; the model checks the server's results
 * for the one it chose. A batch with no ledger entry moves no points; it keeps
 * its place after the batch observed before it. The expiry job's runs are
 * not reordered: the runner runs the job only between steps, when no request
 * is in flight at any proxy (it checks so) and the server's own maintenance
 * timer is off, so every batch observed before a run committed before it and
 * none after it began. `settle()` applies the batches observed so far, in the
 * server's order; `runJob()` settles first.
 *
 * The rules it encodes:
 * - a credit first pays off a debt (a negative balance); the rest is a lot
 *   that expires at the entry's `expiresAt`, or `expiry.months` calendar
 *   months (UTC, clamped to the month's last day) after the event when the
 *   terminal sent none;
 * - a lot's points are due from its expiry instant on; the job expires every
 *   lot due at its own time;
 * - before each ledger entry of a batch the server expires the member's lots
 *   due at the entry's time (the event's time), but only for a member the
 *   batch debits: a batch loads lots only for the members it debits, so for a
 *   member it only credits, the lots due before the entry are left to the job
 *   (or to the next batch that debits the member), and only the lots the batch
 *   itself made are expired before its later entries (docs/sync-protocol.md).
 *   The model follows this rule exactly rather than comparing only the net of
 *   expired and restored points: the proxies see every batch, so it knows the
 *   batch boundaries, and the points expired and restored are then predicted
 *   one by one. (Leaving a due lot to the job moves no point for good: the
 *   balance after any later debit, and so every overdraft flag, is the same,
 *   since a debit expires what is due at its time first; what differs is only
 *   whether a late debit spends a lot still live or restores it after the
 *   expiry took it.)
 * - late offline spending: a debit at time t spends the lots alive at t
 *   (expiry instant after t), the earliest expiry first (ties: earliest
 *   earned first), even when they have been expired since: what it takes
 *   from expired points is restored first (a positive 'expire' entry), so
 *   points are never both expired and spent; a shortfall becomes a debt, and
 *   a redemption or adjustment that leaves the balance below zero is flagged
 *   as an overdraft;
 * - refunds and voids: earned points whose expiry instant has passed at the
 *   time of the refund are not taken back; unexpired ones are (checked on
 *   the events the terminals sent, `refundPolicy`).
 */
import { localParts } from '../../shared/loyalty/local-time.ts';
import type { LedgerEntry, SyncEvent } from '../../shared/sync-protocol.ts';
import type { ProxyExchange } from './sync-harness.ts';

const EXPIRY_MONTHS = 12;
/** The demo programme's store zone: the birthday bonus's year is store-local. */
const TIME_ZONE = 'Europe/Paris';
const BIRTHDAY_POINTS = 200;

/** `months` calendar months after `ms`, in UTC, on the same day or the month's last day. */
export function monthsLater(ms: number, months: number): number {
  const d = new Date(ms);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  const f = new Date(first);
  const lastDay = new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 0)).getUTCDate();
  const timeOfDay = ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Date.UTC(f.getUTCFullYear(), f.getUTCMonth(), Math.min(d.getUTCDate(), lastDay)) + timeOfDay;
}

interface ModelLot {
  earnedAt: number;
  expiresAt: number;
  /** Order of creation on the server (the last tie-break). */
  n: number;
  remaining: number;
  /** Points the expiry took from this lot and no late debit has restored. */
  expired: number;
  /** The batch that made it (its number in the model's order). */
  batch: number;
}

export interface ModelMember {
  balance: number;
  lots: ModelLot[];
  /** Sum of the negative 'expire' entries (as a positive number) and of the positive ones. */
  expiredPoints: number;
  restoredPoints: number;
  expireEntries: number;
  restoreEntries: number;
  /**
   * Points by which expired and restored may differ from the server's without breaking a rule: a
   * debit that takes part of lots tied on expiry and earning time, some expired and some not, may
   * spend live points or undo expiry first (the balance, the lots' future and the flags are the
   * same either way; the leftover expires later or stays expired).
   */
  tieSlack: number;
}

/** What a run exercised, as the model saw it applied on the server. */
export interface ModelCounts {
  eventsApplied: number;
  sales: number;
  offlineRedemptions: number;
  heldRedemptions: number;
  overdrafts: number;
  /** Lots expired (by the job or before an entry). */
  lotsExpired: number;
  expiredPoints: number;
  /** Expiries by the job alone. */
  jobExpiries: number;
  /** Late debits that spent points the expiry had taken (restored). */
  lateSpends: number;
  restoredPoints: number;
  refunds: number;
  voids: number;
  /** Refunds and voids that left earned points alone because they had expired. */
  refundsKeepingExpired: number;
  adjustments: number;
  /** Batches the server committed in another order than the proxies saw their answers (placed by ledger id). */
  batchesReordered: number;
  /** Lots due before an entry of a batch that only credited their member, so left to the job (or a later debit). */
  dueLotsLeftByCredits: number;
}

export function emptyModelCounts(): ModelCounts {
  return {
    eventsApplied: 0,
    sales: 0,
    offlineRedemptions: 0,
    heldRedemptions: 0,
    overdrafts: 0,
    lotsExpired: 0,
    expiredPoints: 0,
    jobExpiries: 0,
    lateSpends: 0,
    restoredPoints: 0,
    refunds: 0,
    voids: 0,
    refundsKeepingExpired: 0,
    adjustments: 0,
    batchesReordered: 0,
    dueLotsLeftByCredits: 0,
  };
}

/** One push's events the server applied (not answered duplicate), as the proxy saw them. */
interface ObservedBatch {
  events: SyncEvent[];
  /** The server's time when it applied them. */
  now: number;
}

/** The smallest ledger id of each event id given that has ledger entries on the server. */
export type LedgerOrder = (eventIds: readonly string[]) => Promise<Map<string, number>>;

interface SaleEarn {
  memberId: string;
  points: number;
  expiresAt: number;
}

export class ServerModel {
  readonly members = new Map<string, ModelMember>();
  /** `${memberId} ${eventId}` of every debit that left a balance below zero. */
  readonly overdrafts = new Set<string>();
  /** Every event the server applied (not answered duplicate), in the server's order. */
  readonly applied: SyncEvent[] = [];
  /** Re-deliveries of answered batches that were applied again (must stay empty). */
  readonly violations: string[] = [];
  /** Refunds or voids whose take-back breaks the refund policy. */
  readonly refundPolicy: string[] = [];
  readonly counts = emptyModelCounts();
  /** The earned points of each sale applied, for the refund policy. */
  private readonly saleEarns = new Map<string, SaleEarn[]>();
  /** "member|year" of birthday bonuses granted: the server grants one a year per member, chain-wide, whichever till claims it first. */
  private readonly birthdays = new Set<string>();
  private lots = 0;
  private batches = 0;
  private readonly leftByCredits = new Set<ModelLot>();
  /** Batches observed and not applied yet, in the order their answers came back. */
  private pending: ObservedBatch[] = [];

  /** `now`: the server's clock; `ledgerOrder`: reads the server's ledger ids (its serialisation order). */
  constructor(
    private readonly now: () => number,
    private readonly ledgerOrder: LedgerOrder,
    /**
     * The events among these whose points the server's checks (server/apply/trust/) derived or bounded itself, with the
     * entries it applied (stored with the event); an event held or refused has none.
     */
    private readonly serverJudged: (eventIds: string[]) => Promise<Map<string, LedgerEntry[]>>,
  ) {}

  /** Events the server re-priced, held or refused, and what it applied for them (read at settle time). */
  private readonly judged = new Map<string, LedgerEntry[]>();

  member(id: string): ModelMember {
    let m = this.members.get(id);
    if (m === undefined) {
      m = { balance: 0, lots: [], expiredPoints: 0, restoredPoints: 0, expireEntries: 0, restoreEntries: 0, tieSlack: 0 };
      this.members.set(id, m);
    }
    return m;
  }

  /** Give to every proxy: `proxy.observe = (x) => model.observe(x)`. The server applied at the clock's time now. */
  observe(x: ProxyExchange): void {
    if (x.method !== 'POST' || x.path !== '/v1/events' || x.status !== 200) return;
    const events = (JSON.parse(x.requestBody.toString('utf8')) as { events: SyncEvent[] }).events;
    const results = (JSON.parse(x.responseBody.toString('utf8')) as { results: { id: string; status: string }[] }).results;
    const byId = new Map(events.map((e) => [e.id, e]));
    const fresh: SyncEvent[] = [];
    for (const r of results) {
      if (r.status === 'duplicate') continue;
      if (x.injected === 'duplicate' || x.injected === 'replay-old')
        this.violations.push(`a ${x.injected} delivery of event ${r.id} (answered before) was ${r.status}, not duplicate`);
      fresh.push(byId.get(r.id)!);
    }
    if (fresh.length > 0) this.pending.push({ events: fresh, now: this.now() });
  }

  /**
   * Applies the batches observed since the last call in the server's order: by their smallest
   * ledger id; a batch without ledger entries right after the batch observed before it.
   */
  async settle(): Promise<void> {
    const batches = this.pending;
    this.pending = [];
    if (batches.length === 0) return;
    const first = await this.ledgerOrder(batches.flatMap((b) => b.events.map((e) => e.id)));
    for (const [id, ledger] of await this.serverJudged(batches.flatMap((b) => b.events.map((e) => e.id)))) this.judged.set(id, ledger);
    let key = Number.NEGATIVE_INFINITY;
    const keyed = batches.map((b, seen) => {
      const ids = b.events.map((e) => first.get(e.id)).filter((id): id is number => id !== undefined);
      if (ids.length > 0) key = Math.min(...ids);
      return { b, key, seen };
    });
    keyed.sort((a, c) => (a.key === c.key ? a.seen - c.seen : a.key - c.key));
    keyed.forEach((k, i) => {
      if (k.seen !== i) this.counts.batchesReordered++;
    });
    for (const { b } of keyed) this.applyBatch(b.events, b.now);
  }

  /** The server's expiry job at `now` (after the batches observed before it). */
  async runJob(now: number): Promise<number> {
    await this.settle();
    let lots = 0;
    for (const m of this.members.values()) lots += this.expireDue(m, now, null);
    this.counts.jobExpiries += lots;
    return lots;
  }

  /** One push's fresh events, applied by the server at `now` in one transaction. */
  applyBatch(events: readonly SyncEvent[], now: number): void {
    const batch = this.batches++;
    // The members this batch debits: only their lots are loaded, so only theirs expire before an entry.
    const debited = new Set(events.flatMap((e) => (e.payload.ledger ?? []).filter((l) => l.points < 0).map((l) => l.memberId)));
    for (const event of events) this.apply(event, now, batch, debited);
  }

  /** A member's balance as the terminals show it at `now`: due points left out. */
  balanceAsOf(id: string, now: number): number {
    const m = this.member(id);
    return m.balance - m.lots.reduce((sum, l) => sum + (l.remaining > 0 && l.expiresAt <= now ? l.remaining : 0), 0);
  }

  private apply(event: SyncEvent, now: number, batch: number, debited: ReadonlySet<string>): void {
    this.applied.push(event);
    this.counts.eventsApplied++;
    const at = Math.min(event.createdAt, now);
    // Where the server's checks derived its own figures (an offline till priced at a tier or with a bonus the server
    // cannot grant: a second birthday bonus in a year, claimed at two tills offline), the model applies what the server
    // applied; what the lots, expiry and debt then do is still the model's own. The once-a-year rule it checks itself.
    const entries = this.judged.get(event.id) ?? event.payload.ledger ?? [];
    for (const e of entries) {
      // Entries carry no bonus kind: in the demo programme a sale's bonus of 200 is the birthday's (nth 50, referral 100 and 150).
      if (event.kind !== 'sale.committed' || e.kind !== 'bonus' || e.points !== BIRTHDAY_POINTS || e.memberId !== event.payload.memberId)
        continue;
      const key = `${e.memberId}|${localParts(at, TIME_ZONE).year}`;
      if (this.birthdays.has(key)) this.violations.push(`a second birthday bonus in one year for member ${e.memberId} (event ${event.id})`);
      this.birthdays.add(key);
    }
    if (event.kind === 'sale.committed') {
      this.counts.sales++;
      if (entries.some((e) => e.kind === 'redeem')) {
        if (event.payload.holdId == null) this.counts.offlineRedemptions++;
        else this.counts.heldRedemptions++;
      }
      this.saleEarns.set(
        event.payload.saleId,
        entries
          .filter((e) => (e.kind === 'earn' || e.kind === 'bonus') && e.points > 0)
          .map((e) => ({ memberId: e.memberId, points: e.points, expiresAt: e.expiresAt ?? monthsLater(at, EXPIRY_MONTHS) })),
      );
    }
    if (event.kind === 'sale.voided' || event.kind === 'sale.refunded') this.checkRefund(event, entries, at);
    if (event.kind === 'points.adjusted') this.counts.adjustments++;
    for (const entry of entries) {
      const m = this.member(entry.memberId);
      this.expireDue(m, at, debited.has(entry.memberId) ? null : batch);
      if (entry.points > 0) {
        const debt = Math.max(0, -m.balance);
        const lot = entry.points - Math.min(debt, entry.points);
        if (lot > 0)
          m.lots.push({
            earnedAt: at,
            expiresAt: entry.expiresAt ?? monthsLater(at, EXPIRY_MONTHS),
            n: this.lots++,
            remaining: lot,
            expired: 0,
            batch,
          });
        m.balance += entry.points;
        continue;
      }
      let need = -entry.points;
      const alive = m.lots
        .filter((l) => l.expiresAt > at && l.remaining + l.expired > 0)
        .sort((a, b) => a.expiresAt - b.expiresAt || a.earnedAt - b.earnedAt || a.n - b.n);
      let restored = 0;
      for (let i = 0; i < alive.length && need > 0;) {
        // Lots tied on expiry and earning time: which of them gives first is not the rule's to say.
        let j = i;
        while (j < alive.length && alive[j]!.expiresAt === alive[i]!.expiresAt && alive[j]!.earnedAt === alive[i]!.earnedAt) j++;
        const group = alive.slice(i, j);
        const live = group.reduce((sum, l) => sum + l.remaining, 0);
        const gone = group.reduce((sum, l) => sum + l.expired, 0);
        if (need < live + gone) m.tieSlack += Math.min(need, live, gone);
        i = j;
        for (const l of group) {
          if (need === 0) break;
          const fromLive = Math.min(l.remaining, need);
          l.remaining -= fromLive;
          need -= fromLive;
          const fromExpired = Math.min(l.expired, need);
          l.expired -= fromExpired;
          need -= fromExpired;
          restored += fromExpired;
        }
      }
      if (restored > 0) {
        m.balance += restored;
        m.restoredPoints += restored;
        m.restoreEntries++;
        this.counts.lateSpends++;
        this.counts.restoredPoints += restored;
      }
      m.balance += entry.points;
      if ((entry.kind === 'redeem' || entry.kind === 'adjust') && m.balance < 0) {
        if (!this.overdrafts.has(`${entry.memberId} ${event.id}`)) this.counts.overdrafts++;
        this.overdrafts.add(`${entry.memberId} ${event.id}`);
      }
    }
  }

  /** Expires the member's lots due at `at`; with `onlyBatch`, only those that batch made. */
  private expireDue(m: ModelMember, at: number, onlyBatch: number | null): number {
    let n = 0;
    for (const l of m.lots) {
      if (l.remaining === 0 || l.expiresAt > at) continue;
      if (onlyBatch !== null && l.batch !== onlyBatch) {
        if (!this.leftByCredits.has(l)) this.counts.dueLotsLeftByCredits++;
        this.leftByCredits.add(l);
        continue;
      }
      m.balance -= l.remaining;
      m.expiredPoints += l.remaining;
      m.expireEntries++;
      this.counts.lotsExpired++;
      this.counts.expiredPoints += l.remaining;
      l.expired += l.remaining;
      l.remaining = 0;
      n++;
    }
    return n;
  }

  /**
   * The refund policy on what a terminal sent: a void or refund takes back (as
   * negative 'reverse' entries) no more of a sale's earned points than those
   * still unexpired at its time, and none when all have expired.
   */
  private checkRefund(
    event: Extract<SyncEvent, { kind: 'sale.voided' | 'sale.refunded' }>,
    entries: readonly LedgerEntry[],
    at: number,
  ): void {
    if (event.kind === 'sale.voided') this.counts.voids++;
    else this.counts.refunds++;
    const earned = this.saleEarns.get(event.payload.saleId);
    if (earned === undefined) return; // the sale is not applied yet (its event comes later)
    const takenBack = new Map<string, number>();
    for (const e of entries)
      if (e.kind === 'reverse' && e.points < 0) takenBack.set(e.memberId, (takenBack.get(e.memberId) ?? 0) - e.points);
    const expired = earned.filter((e) => e.expiresAt <= at);
    if (expired.length > 0) this.counts.refundsKeepingExpired++;
    for (const [memberId, points] of takenBack) {
      const live = earned.filter((e) => e.memberId === memberId && e.expiresAt > at).reduce((s, e) => s + e.points, 0);
      if (points > live)
        this.refundPolicy.push(
          `${event.kind} ${event.id} of sale ${event.payload.saleId} took back ${points} points of member ${memberId}, of which only ${live} had not expired at ${new Date(at).toISOString()}`,
        );
    }
  }
}
