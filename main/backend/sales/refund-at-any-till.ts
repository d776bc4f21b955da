/**
 * sale.refund at any till of the store. A sale made here is refunded from
 * this terminal's records, after asking the central server (within the hold
 * budget) whether another till refunded some of its lines already; a sale
 * this terminal does not hold is fetched from the server and kept here as a
 * sale of another till. Offline, such a sale cannot be refunded here: the
 * answer says so (SALE_AT_OTHER_TILL). Whatever this check misses (a refund
 * another till has not sent yet), the server refuses when the refund arrives
 * (server/apply/refund-check.ts).
 */
import type { Output, ParsedInput } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { refundResult, saleById } from '../store/sales.ts';
import type { SaleLookup } from '../sync/sale-fetch.ts';
import type { CommitContext } from './commit.ts';
import { refundSale } from './refund.ts';

/** A sale this terminal does not hold: the manager waits for the server a little longer than for a hold. */
export const OTHER_TILL_SALE_BUDGET_MS = 3_000;

export interface SaleFinder {
  readonly paired: boolean;
  findSale(saleId: string, budgetMs?: number): Promise<SaleLookup>;
}

/** An unpaired terminal's ledger is the only one: it answers at once, from its own records. */
export function refundAtAnyTill(
  base: Omit<CommitContext, 'now'>,
  clock: () => number,
  finder: SaleFinder,
  input: ParsedInput<'sale.refund'>,
): Output<'sale.refund'> | Promise<Output<'sale.refund'>> {
  if (!finder.paired) return refundSale({ ...base, now: clock() }, input);
  return refundOnline(base, clock, finder, input);
}

async function refundOnline(
  base: Omit<CommitContext, 'now'>,
  clock: () => number,
  finder: SaleFinder,
  input: ParsedInput<'sale.refund'>,
): Promise<Output<'sale.refund'>> {
  const db = base.store.db;
  // The refund happens when the answer is in: `now` is read after the lookup.
  const refund = (server: Parameters<typeof refundSale>[2] = null) => refundSale({ ...base, now: clock() }, input, server);
  if (refundResult(db, input.refundId) !== undefined) return refund();
  const held = saleById(db, input.saleId);
  if (held !== undefined && held.origin_terminal_id === null) {
    const found = await finder.findSale(input.saleId);
    return refund(found.kind === 'found' ? found.sale : null);
  }
  const found = await finder.findSale(input.saleId, OTHER_TILL_SALE_BUDGET_MS);
  switch (found.kind) {
    case 'found':
      return refund(found.sale);
    case 'not_found':
      throw new AppError('NOT_FOUND', 'No such sale in this store (checked with the loyalty server).', { saleId: input.saleId });
    case 'unreachable':
      // Kept here by an earlier refund: refund from what this till knows (the server refuses lines refunded twice).
      if (held !== undefined) return refund();
      throw new AppError(
        'SALE_AT_OTHER_TILL',
        'This sale was not made at this till. Refunds of another till’s sales need the connection to the loyalty server: try again when it is back.',
        { saleId: input.saleId, reason: found.reason },
      );
    case 'not_paired':
      if (held !== undefined) return refund();
      throw new AppError('NOT_FOUND', 'No such sale on this terminal.', { saleId: input.saleId });
  }
}
