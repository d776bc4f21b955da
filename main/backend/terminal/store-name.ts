import type { ReadCallContext } from '../context.ts';

/**
 * The store's name as people read it ("Demo Market"), never its id ("demo-store"): the name the
 * receipt settings give, else the one the central server gave at pairing; null when neither is known.
 */
export function storeDisplayName(ctx: Pick<ReadCallContext, 'printing' | 'sync'>): string | null {
  return ctx.printing.receipt.storeName ?? ctx.sync.pairing()?.storeName ?? null;
}
