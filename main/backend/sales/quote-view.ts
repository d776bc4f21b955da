import type { Quote } from '../../../shared/api.ts';
import type { ProgramConfig } from '../../../shared/program.ts';
import type { SaleQuote } from '../../../shared/loyalty/types.ts';
import type { DescribedLine } from './basket.ts';

/** The engine's quote as the API shows it: with the currency and each line's description. */
export function quoteView(quote: SaleQuote, basket: DescribedLine[], program: ProgramConfig): Quote {
  const descriptions = new Map(basket.map((l) => [l.lineNo, l.description]));
  return {
    ...quote,
    currency: program.currency,
    lines: quote.lines.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      description: descriptions.get(l.lineNo) ?? l.category,
      category: l.category,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      amountMinor: l.amountMinor,
      discountMinor: l.discountMinor,
      paidMinor: l.paidMinor,
      earnPoints: l.earnPoints,
      redeemedPoints: l.redeemedPoints,
    })),
  };
}
