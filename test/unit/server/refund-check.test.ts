/** The server's refund check (server/apply/refund-check.ts), pure: what a refund may apply, whichever till sends it. */
import { describe, expect, it } from 'vitest';
import { checkedLedger, refundableSale, type RefundBook } from '../../../server/apply/refund-check.ts';
import type { FlagKind, SyncEvent } from '../../../shared/sync-protocol.ts';
import { demoProgram } from '../../fixtures/program.ts';

const M = '0196a0c0-0000-7000-8000-00000000000a';
const SALE = '0196a0c0-0000-7000-8000-0000000000b1';
const SOLD = Date.UTC(2025, 2, 11, 10, 0);
const EXPIRES = Date.UTC(2026, 2, 11, 10, 0);
let n = 0;
const uuid = () => `0196a0c0-0000-7000-8000-${(++n).toString(16).padStart(12, '0')}`;

function committed(): Extract<SyncEvent, { kind: 'sale.committed' }> {
  return {
    id: uuid(),
    seq: n,
    createdAt: SOLD,
    kind: 'sale.committed',
    payload: {
      saleId: SALE,
      memberId: M,
      storeId: 'store-1',
      staffId: 'c1',
      createdAt: SOLD,
      totalMinor: 3000,
      paidMinor: 3000,
      pointsEarned: 30,
      pointsRedeemed: 0,
      lines: [
        { lineNo: 1, sku: 'BREAD', category: 'bakery', quantity: 2, paidMinor: 2000, earnPoints: 20, redeemedPoints: 0 },
        { lineNo: 2, sku: null, category: 'bakery', quantity: 1, paidMinor: 1000, earnPoints: 10, redeemedPoints: 0 },
      ],
      ledger: [{ memberId: M, kind: 'earn', points: 30, qualifying: 30, expiresAt: EXPIRES }],
    },
  };
}

function refund(
  at: number,
  lines: { lineNo: number; quantity: number }[] | undefined,
  takeBack: number,
): Extract<SyncEvent, { kind: 'sale.refunded' }> {
  return {
    id: uuid(),
    seq: n,
    createdAt: at,
    kind: 'sale.refunded',
    payload: {
      refundId: uuid(),
      saleId: SALE,
      memberId: M,
      storeId: 'store-1',
      staffId: 'm1',
      createdAt: at,
      ...(lines === undefined ? {} : { lines }),
      ledger: takeBack === 0 ? [] : [{ memberId: M, kind: 'reverse', points: -takeBack, qualifying: -takeBack }],
    },
  };
}

function voided(at: number, takeBack: number): Extract<SyncEvent, { kind: 'sale.voided' }> {
  return {
    id: uuid(),
    seq: n,
    createdAt: at,
    kind: 'sale.voided',
    payload: {
      saleId: SALE,
      memberId: M,
      storeId: 'store-1',
      staffId: 'm1',
      voidedAt: at,
      ledger: [{ memberId: M, kind: 'reverse', points: -takeBack, qualifying: -takeBack }],
    },
  };
}

function run(book: RefundBook | undefined, event: SyncEvent, now = EXPIRES * 2) {
  const flags: { kind: FlagKind; details: Record<string, unknown> }[] = [];
  const ledger = checkedLedger(book, event, demoProgram, now, (kind, _member, details) => flags.push({ kind, details }));
  return { points: ledger.reduce((s, e) => s + e.points, 0), flags: flags.map((f) => f.kind), details: flags.map((f) => f.details) };
}

describe('refund check', () => {
  it('applies a refund within what is left, and refuses the same line again from any till (no points, flag refund_exceeds_sale)', () => {
    const book: RefundBook = new Map();
    run(book, committed());
    const first = SOLD + 86_400_000;
    expect(run(book, refund(first, [{ lineNo: 2, quantity: 1 }], 10))).toEqual({ points: -10, flags: [], details: [] });
    const again = run(book, refund(first, [{ lineNo: 2, quantity: 1 }], 10));
    expect(again.points).toBe(0);
    expect(again.flags).toEqual(['refund_exceeds_sale']);
    expect(again.details[0]).toMatchObject({ saleId: SALE, lines: [{ lineNo: 2, quantity: 1, refundable: 0 }], pointsNotApplied: -10 });
    // The other line is still refundable, one unit at a time, and no more than sold.
    expect(run(book, refund(first, [{ lineNo: 1, quantity: 1 }], 10)).flags).toEqual([]);
    expect(run(book, refund(first, [{ lineNo: 1, quantity: 2 }], 10)).flags).toEqual(['refund_exceeds_sale']);
    expect(run(book, refund(first, [{ lineNo: 1, quantity: 1 }], 10)).flags).toEqual([]);
    expect(run(book, refund(first, [{ lineNo: 3, quantity: 1 }], 0)).flags).toEqual(['refund_exceeds_sale']);
  });

  it('counts refunds stored before (by any till) and leaves out those refused', () => {
    const sale = committed().payload;
    const book: RefundBook = new Map([[SALE, refundableSale(sale, demoProgram, SOLD, [{ lines: [{ lineNo: 1, quantity: 2 }] }])]]);
    expect(run(book, refund(SOLD + 1, [{ lineNo: 1, quantity: 1 }], 10)).flags).toEqual(['refund_exceeds_sale']);
    expect(run(book, refund(SOLD + 1, [{ lineNo: 2, quantity: 1 }], 10)).flags).toEqual([]);
  });

  it('bounds a take-back of earned points expired by the refund time to nothing (a till before the policy), flagged', () => {
    const book: RefundBook = new Map();
    run(book, committed());
    const late = run(book, refund(EXPIRES, [{ lineNo: 2, quantity: 1 }], 10));
    expect(late).toMatchObject({ points: 0, flags: ['refund_expired_points'] });
    expect(late.details[0]).toMatchObject({ pointsNotTakenBack: 10, earnExpiresAt: EXPIRES });
    // A millisecond before the expiry instant, the points are taken back.
    expect(run(book, refund(EXPIRES - 1, [{ lineNo: 1, quantity: 1 }], 10))).toMatchObject({ points: -10, flags: [] });
  });

  it('refuses a void of a sale refunded in part or voided before, and a refund of a voided sale, whichever till sends them', () => {
    const book: RefundBook = new Map();
    run(book, committed());
    const day = SOLD + 86_400_000;
    expect(run(book, refund(day, [{ lineNo: 2, quantity: 1 }], 10)).flags).toEqual([]);
    // Another till that never saw the refund voids the whole sale: the refunded line would be taken back twice.
    const late = run(book, voided(day, 30));
    expect(late).toMatchObject({ points: 0, flags: ['refund_exceeds_sale'] });
    expect(late.details[0]).toMatchObject({ void: true, unitsRefunded: 1, pointsNotApplied: -30 });

    const clean: RefundBook = new Map([[SALE, refundableSale(committed().payload, demoProgram, SOLD)]]);
    expect(run(clean, voided(day, 30))).toMatchObject({ points: -30, flags: [] });
    expect(run(clean, voided(day, 30))).toMatchObject({ points: 0, flags: ['refund_exceeds_sale'] });
    expect(run(clean, refund(day, [{ lineNo: 1, quantity: 1 }], 10))).toMatchObject({ points: 0, flags: ['refund_exceeds_sale'] });
  });

  it('applies as sent: a sale the server does not hold, a refund or sale without lines (older tills), or no book', () => {
    expect(run(new Map(), refund(SOLD, [{ lineNo: 9, quantity: 9 }], 10))).toMatchObject({ points: -10, flags: [] });
    const book: RefundBook = new Map();
    run(book, committed());
    expect(run(book, refund(SOLD, undefined, 10))).toMatchObject({ points: -10, flags: [] });
    expect(run(undefined, refund(EXPIRES * 2, [{ lineNo: 2, quantity: 1 }], 10))).toMatchObject({ points: -10, flags: [] });
  });
});
