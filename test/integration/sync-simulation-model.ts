/**
 * An independent model of the server's points for the sync simulation,
 * written from the programme's rules (docs/programme.md) and not from the
 * server's code: it is fed what the server applied, in the order the fault
 * proxies saw the answers, and when the server's expiry job ran, and predicts
 * every member's balance, expired and restored points, live lots and
 * overdraft flags.
 *
 * The rules it encodes:
 * - a credit first pays off a debt (a negative balance); the rest is a lot
 *   that expires at the entry's `expiresAt`, or `expiry.months` calendar
 *   months (UTC, clamped to the month's last day) after the event when the
 *   terminal sent none;
 * - a lot's points are due from its expiry instant on; before each ledger
 *   entry the server expires the member's lots due at the entry's time (the
 *   event's time), and the job expires every lot due at its own time;
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
import type { SyncEvent } from '../../shared/sync-protocol.ts';
import type { ProxyExchange } from './sync-harness.ts';

const EXPIRY_MONTHS = 12;

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
  };
}

interface SaleEarn {
  memberId: string;
  points: number;
  expiresAt: number;
}

export class ServerModel {
  readonly members = new Map<string, ModelMember>();
  /** `${memberId} ${eventId}` of every debit that left a balance below zero. */
  readonly overdrafts = new Set<string>();
  /** Every event the server applied (not answered duplicate), in order. */
  readonly applied: SyncEvent[] = [];
  /** Re-deliveries of answered batches that were applied again (must stay empty). */
  readonly violations: string[] = [];
  /** Refunds or voids whose take-back breaks the refund policy. */
  readonly refundPolicy: string[] = [];
  readonly counts = emptyModelCounts();
  /** The earned points of each sale applied, for the refund policy. */
  private readonly saleEarns = new Map<string, SaleEarn[]>();
  private lots = 0;

  constructor(private readonly now: () => number) {}

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
    for (const r of results) {
      if (r.status === 'duplicate') continue;
      if (x.injected === 'duplicate' || x.injected === 'replay-old')
        this.violations.push(`a ${x.injected} delivery of event ${r.id} (answered before) was ${r.status}, not duplicate`);
      this.apply(byId.get(r.id)!, this.now());
    }
  }

  /** The server's expiry job at `now`. */
  runJob(now: number): number {
    let lots = 0;
    for (const m of this.members.values()) lots += this.expireDue(m, now);
    this.counts.jobExpiries += lots;
    return lots;
  }

  /** A member's balance as the terminals show it at `now`: due points left out. */
  balanceAsOf(id: string, now: number): number {
    const m = this.member(id);
    return m.balance - m.lots.reduce((sum, l) => sum + (l.remaining > 0 && l.expiresAt <= now ? l.remaining : 0), 0);
  }

  apply(event: SyncEvent, now: number): void {
    this.applied.push(event);
    this.counts.eventsApplied++;
    const at = Math.min(event.createdAt, now);
    const entries = event.payload.ledger ?? [];
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
    if (event.kind === 'sale.voided' || event.kind === 'sale.refunded') this.checkRefund(event, at);
    if (event.kind === 'points.adjusted') this.counts.adjustments++;
    for (const entry of entries) {
      const m = this.member(entry.memberId);
      this.expireDue(m, at);
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

  private expireDue(m: ModelMember, at: number): number {
    let n = 0;
    for (const l of m.lots) {
      if (l.remaining === 0 || l.expiresAt > at) continue;
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
  private checkRefund(event: Extract<SyncEvent, { kind: 'sale.voided' | 'sale.refunded' }>, at: number): void {
    if (event.kind === 'sale.voided') this.counts.voids++;
    else this.counts.refunds++;
    const earned = this.saleEarns.get(event.payload.saleId);
    if (earned === undefined) return; // the sale is not applied yet (its event comes later)
    const takenBack = new Map<string, number>();
    for (const e of event.payload.ledger ?? [])
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
