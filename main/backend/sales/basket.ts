import type { ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import type { BasketLine } from '../../../shared/loyalty/types.ts';
import type { ReadableDb } from '../store/connection.ts';
import { productByBarcode, productBySku } from '../store/products.ts';

export interface DescribedLine extends BasketLine {
  description: string;
}

/** Turns the cashier's basket (skus, barcodes, keyed amounts) into priced lines from the local catalogue. */
export function resolveBasket(db: ReadableDb, lines: ParsedInput<'sale.preview'>['lines']): DescribedLine[] {
  return lines.map((line, index) => {
    const lineNo = index + 1;
    if ('category' in line) {
      return {
        lineNo,
        sku: null,
        category: line.category,
        description: line.description ?? line.category,
        quantity: 1,
        unitPriceMinor: line.amountMinor,
        amountMinor: line.amountMinor,
      };
    }
    const product = 'sku' in line ? productBySku(db, line.sku) : productByBarcode(db, line.barcode);
    if (!product || product.active === 0) {
      throw new AppError('NOT_FOUND', `Line ${lineNo}: product ${'sku' in line ? line.sku : line.barcode} is not in the catalogue.`, {
        lineNo,
      });
    }
    return {
      lineNo,
      sku: product.sku,
      category: product.category,
      description: product.name,
      quantity: line.quantity,
      unitPriceMinor: product.price_minor,
      amountMinor: product.price_minor * line.quantity,
    };
  });
}
