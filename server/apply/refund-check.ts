/**
 * The server's check of a refund, whichever till sends it (pure; push.ts
 * loads the sales that a batch's refunds name, apply-events.ts asks here for
 * the ledger entries each event may apply):
 * - a refund of more of a sale's lines than is left to refund (another till
 *   refunded them already, or the sale was voided) applies none of its points,
 *   and is flagged `refund_exceeds_sale`; the event itself (the money and
 *   goods) is recorded. So is a void of a sale already refunded in part or
 *   voided, by any till (a void reverses the whole sale);
 * - the refund policy (shared/loyalty/refund.ts): earned points that had
 *   expired when the refund was made are not taken back. A till that takes them
 *   back anyway (one made before the policy) has its take-back bounded to what
 *   had not expired, flagged `refund_expired_points`.
 * A sale the server does not hold, or one whose till sent no lines, is
 * checked only as far as it can be.
 */
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { earnExpired } from '../../shared/loyalty/refund.ts';
import type { ProgramConfig } from '../../shared/program.ts';
import type { FlagKind, LedgerEntry, SyncEvent } from '../../shared/sync-protocol.ts';

export interface SaleLines {
  lineNo: number;
  quantity: number;
}

/** A sale as a refund check needs it. */
export interface RefundableSale {
  saleId: string;
  memberId: string | null;
  voided: boolean;
  /** null: the till sent no lines (a terminal before the field). */
  lines: SaleLines[] | null;
  /** Units refunded so far by line, by any till (refunds refused as exceeding left out). */
  refunded: Map<number, number>;
  /** When the points the sale earned expire; null: never, or it earned none. */
  earnExpiresAt: number | null;
}

/** The sales a batch's refunds name, by sale id; the batch's own sales and refunds are added as they are applied. */
export type RefundBook = Map<string, RefundableSale>;

type Flag = (kind: FlagKind, memberId: string, details: Record<string, unknown>) => void;
type CommittedPayload = Extract<SyncEvent, { kind: 'sale.committed' }>['payload'];

/** When the points a sale earned expire: its earn entry's lot expiry as the till sent it, or the programme's. */
export function saleEarnExpiry(sale: CommittedPayload, program: ProgramConfig | null, at: number): number | null {
  const earn = sale.ledger.find((e) => e.kind === 'earn' && e.memberId === sale.memberId && e.points > 0);
  if (earn === undefined) return null;
  if (earn.expiresAt != null) return earn.expiresAt;
  return program === null ? null : lotExpiry(at, program);
}

/** A sale as the book holds it, from its committed event and the refunds applied before. */
export function refundableSale(
  sale: CommittedPayload,
  program: ProgramConfig | null,
  at: number,
  refunds: readonly { lines?: readonly SaleLines[] | undefined }[] = [],
  voided = false,
): RefundableSale {
  const refunded = new Map<number, number>();
  for (const r of refunds) for (const l of r.lines ?? []) refunded.set(l.lineNo, (refunded.get(l.lineNo) ?? 0) + l.quantity);
  return {
    saleId: sale.saleId,
    memberId: sale.memberId,
    voided,
    lines: sale.lines?.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })) ?? null,
    refunded,
    earnExpiresAt: saleEarnExpiry(sale, program, at),
  };
}

/**
 * The ledger entries of `event` to apply. Notes the batch's own sales and
 * voids in the book; checks refunds (see the header). Without a book (a caller
 * that loads no sales), every entry is applied as sent.
 */
export function checkedLedger(
  book: RefundBook | undefined,
  event: SyncEvent,
  program: ProgramConfig | null,
  now: number,
  flag: Flag,
): readonly LedgerEntry[] {
  if (book === undefined) return event.payload.ledger;
  const at = Math.min(event.createdAt, now);
  if (event.kind === 'sale.committed') {
    if (!book.has(event.payload.saleId)) book.set(event.payload.saleId, refundableSale(event.payload, program, at));
    return event.payload.ledger;
  }
  if (event.kind === 'sale.voided') {
    const p = event.payload;
    const sale = book.get(p.saleId);
    if (sale === undefined) return p.ledger;
    // A void reverses the whole sale: after a refund (or a void) from any till, part of that is done already.
    const refundedUnits = [...sale.refunded.values()].reduce((s, q) => s + q, 0);
    if (sale.voided || refundedUnits > 0) {
      if (p.memberId !== null) {
        flag('refund_exceeds_sale', p.memberId, {
          saleId: p.saleId,
          void: true,
          alreadyVoided: sale.voided,
          unitsRefunded: refundedUnits,
          pointsNotApplied: p.ledger.reduce((s, e) => s + e.points, 0),
        });
      }
      return [];
    }
    sale.voided = true;
    return p.ledger;
  }
  if (event.kind !== 'sale.refunded') return event.payload.ledger;
  const p = event.payload;
  const sale = book.get(p.saleId);
  if (sale === undefined) return p.ledger;
  // Nothing of a voided sale is left to refund.
  if (sale.voided) {
    if (p.memberId !== null) {
      flag('refund_exceeds_sale', p.memberId, {
        saleId: p.saleId,
        refundId: p.refundId,
        voided: true,
        pointsNotApplied: p.ledger.reduce((s, e) => s + e.points, 0),
      });
    }
    return [];
  }

  if (p.lines !== undefined && sale.lines !== null) {
    const byNo = new Map(sale.lines.map((l) => [l.lineNo, l]));
    const beyond = p.lines
      .map((r) => ({ lineNo: r.lineNo, quantity: r.quantity, left: leftOf(sale, byNo.get(r.lineNo)) }))
      .filter((r) => r.quantity > r.left);
    if (beyond.length > 0) {
      if (p.memberId !== null) {
        flag('refund_exceeds_sale', p.memberId, {
          saleId: p.saleId,
          refundId: p.refundId,
          lines: beyond.map((r) => ({ lineNo: r.lineNo, quantity: r.quantity, refundable: Math.max(0, r.left) })),
          pointsNotApplied: p.ledger.reduce((s, e) => s + e.points, 0),
        });
      }
      return [];
    }
    for (const r of p.lines) sale.refunded.set(r.lineNo, (sale.refunded.get(r.lineNo) ?? 0) + r.quantity);
  }

  // The policy: earned points expired by the refund's time are not taken back.
  if (sale.memberId === null || !earnExpired(sale.earnExpiresAt, at)) return p.ledger;
  const memberId = sale.memberId;
  const takenBack = p.ledger.filter((e) => e.memberId === memberId && e.kind === 'reverse' && e.points < 0);
  if (takenBack.length === 0) return p.ledger;
  flag('refund_expired_points', memberId, {
    saleId: p.saleId,
    refundId: p.refundId,
    pointsNotTakenBack: -takenBack.reduce((s, e) => s + e.points, 0),
    earnExpiresAt: sale.earnExpiresAt,
  });
  return p.ledger.filter((e) => !takenBack.includes(e));
}

function leftOf(sale: RefundableSale, line: SaleLines | undefined): number {
  return line === undefined ? 0 : line.quantity - (sale.refunded.get(line.lineNo) ?? 0);
}
