import { describe, expect, it } from 'vitest';
import {
  canRefund,
  refundEstimateMinor,
  refundLines,
  refundable,
  selectAll,
  selectQuantity,
  type HistoryLine,
  type HistorySale,
} from '../../../renderer/components/member-history/refund-selection.ts';

function line(lineNo: number, quantity: number, refundedQuantity: number, paidMinor: number): HistoryLine {
  return {
    lineNo,
    sku: `sku-${lineNo}`,
    description: `Item ${lineNo}`,
    category: 'food',
    quantity,
    unitPriceMinor: paidMinor / quantity,
    amountMinor: paidMinor,
    discountMinor: 0,
    paidMinor,
    earnPoints: 10,
    redeemedPoints: 0,
    refundedQuantity,
  };
}

const sale: HistorySale = {
  id: '0190b4a0-0000-7000-8000-000000000001',
  createdAt: 1,
  status: 'completed',
  totalMinor: 1300,
  paidMinor: 1300,
  pointsEarned: 30,
  pointsRedeemed: 0,
  explanation: [],
  lines: [line(2, 1, 0, 300), line(1, 3, 1, 900), line(3, 2, 2, 100)],
  atOtherTill: false,
  pointsExpiredNotReversed: 0,
};

describe('refund selection', () => {
  it('knows what is left to refund', () => {
    expect(sale.lines.map(refundable)).toEqual([1, 2, 0]);
    expect(canRefund(sale)).toBe(true);
    expect(canRefund({ ...sale, status: 'voided' })).toBe(false);
    expect(canRefund({ ...sale, lines: [line(1, 2, 2, 100)] })).toBe(false);
  });

  it('clamps a chosen quantity to 0…what is left', () => {
    const l1 = sale.lines[1]!;
    expect(selectQuantity({}, l1, 5)).toEqual({ 1: 2 });
    expect(selectQuantity({ 1: 2 }, l1, -1)).toEqual({ 1: 0 });
    expect(selectQuantity({}, l1, Number.NaN)).toEqual({ 1: 0 });
    expect(selectQuantity({}, l1, 1.7)).toEqual({ 1: 1 });
  });

  it('sends only chosen lines, in line order, never more than is left', () => {
    expect(refundLines(sale, {})).toEqual([]);
    expect(refundLines(sale, { 2: 1, 1: 9, 3: 1 })).toEqual([
      { lineNo: 1, quantity: 2 },
      { lineNo: 2, quantity: 1 },
    ]);
    expect(refundLines(sale, selectAll(sale))).toEqual([
      { lineNo: 1, quantity: 2 },
      { lineNo: 2, quantity: 1 },
    ]);
  });

  it('estimates the money back pro rata of what was paid', () => {
    expect(refundEstimateMinor(sale, { 1: 1 })).toBe(300);
    expect(refundEstimateMinor(sale, selectAll(sale))).toBe(900);
  });
});

describe('manager adjustment', () => {
  it('takes a non-zero whole number and a reason of at least 3 characters', async () => {
    const { parseAdjustment } = await import('../../../renderer/components/member-history/adjustment.ts');
    expect(parseAdjustment('50', ' goodwill ')).toEqual({ ok: true, points: 50, reason: 'goodwill' });
    expect(parseAdjustment('−50', 'typo fix')).toEqual({ ok: true, points: -50, reason: 'typo fix' });
    expect(parseAdjustment('+ 1 000', 'bulk')).toEqual({ ok: true, points: 1000, reason: 'bulk' });
    expect(parseAdjustment('0', 'why')).toEqual({ ok: false, points: 'zero', reason: null });
    expect(parseAdjustment('1.5', 'ab')).toEqual({ ok: false, points: 'invalid', reason: 'required' });
    expect(parseAdjustment('', '')).toEqual({ ok: false, points: 'invalid', reason: 'required' });
    expect(parseAdjustment('12', 'x'.repeat(201))).toEqual({ ok: false, points: null, reason: 'required' });
  });
});

describe('history pages', () => {
  it('joins a further page without doubles, newest first', async () => {
    const { mergeHistory, nextPageBefore } = await import('../../../renderer/components/member-history/history-pages.ts');
    const s = (id: string, createdAt: number): HistorySale => ({ ...sale, id, createdAt });
    const e = (id: number) => ({ id, kind: 'earn' as const, points: id, saleId: null, reason: 'r', createdAt: id });
    const first = { sales: [s('c', 30), s('b', 20)], ledger: [e(3), e(2)], otherTillsUnavailable: false };
    const more = { sales: [s('b', 20), s('a', 10)], ledger: [e(3), e(2), e(1)], otherTillsUnavailable: false };
    const merged = mergeHistory(first, more);
    expect(merged.sales.map((x) => x.id)).toEqual(['c', 'b', 'a']);
    expect(merged.ledger.map((x) => x.id)).toEqual([3, 2, 1]);
    expect(nextPageBefore(first)).toBe(20);
    expect(nextPageBefore({ sales: [], ledger: [], otherTillsUnavailable: false })).toBeUndefined();
  });
});
