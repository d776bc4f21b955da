import type { Output } from '../../../shared/api.ts';

export type HistorySale = Output<'member.history'>['sales'][number];
export type HistoryLine = HistorySale['lines'][number];

/** Quantity to refund per line number; lines not in it are not refunded. */
export type RefundSelection = Readonly<Record<number, number>>;

/** How many of this line can still be refunded. */
export function refundable(line: HistoryLine): number {
  return Math.max(0, line.quantity - line.refundedQuantity);
}

/** Whether anything of this sale can still be refunded. */
export function canRefund(sale: HistorySale): boolean {
  return sale.status === 'completed' && sale.lines.some((l) => refundable(l) > 0);
}

/** The selection with this line's quantity set, clamped to 0…refundable (anything not a whole number counts as 0). */
export function selectQuantity(selection: RefundSelection, line: HistoryLine, quantity: number): RefundSelection {
  const q = Number.isFinite(quantity) ? Math.min(Math.max(0, Math.trunc(quantity)), refundable(line)) : 0;
  return { ...selection, [line.lineNo]: q };
}

/** Every refundable line at its full remaining quantity. */
export function selectAll(sale: HistorySale): RefundSelection {
  return Object.fromEntries(sale.lines.filter((l) => refundable(l) > 0).map((l) => [l.lineNo, refundable(l)]));
}

/** The `lines` of a sale.refund: only lines with a quantity, each clamped to what is left, in line order. */
export function refundLines(sale: HistorySale, selection: RefundSelection): { lineNo: number; quantity: number }[] {
  const lines: { lineNo: number; quantity: number }[] = [];
  for (const line of [...sale.lines].sort((a, b) => a.lineNo - b.lineNo)) {
    const quantity = Math.min(selection[line.lineNo] ?? 0, refundable(line));
    if (quantity > 0) lines.push({ lineNo: line.lineNo, quantity });
  }
  return lines;
}

/**
 * What the customer gets back for the selection, pro rata of what was paid
 * for each line: shown before confirming; the backend's figure is the one that counts.
 */
export function refundEstimateMinor(sale: HistorySale, selection: RefundSelection): number {
  let total = 0;
  for (const { lineNo, quantity } of refundLines(sale, selection)) {
    const line = sale.lines.find((l) => l.lineNo === lineNo)!;
    total += Math.round((line.paidMinor * quantity) / line.quantity);
  }
  return total;
}
