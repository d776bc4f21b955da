import { useEffect } from 'react';
import type { Input } from '../../shared/api.ts';
import { useApi } from '../app/api-context.tsx';
import type { CheckoutState } from '../app/checkout-state.ts';

/**
 * The checkout's one hook into the customer display: every change of the sale
 * (a line, a quantity, the member, points to spend, completion) goes to the
 * backend, which prices it and pushes what the customer may see to every
 * display. Fire and forget: the display is never allowed to slow or fail a sale.
 */
export function useCustomerDisplayFeed(checkout: CheckoutState): void {
  const { client } = useApi();
  const input = JSON.stringify(displayInput(checkout));
  useEffect(() => {
    client.call('display.show', JSON.parse(input) as Input<'display.show'>).catch(() => {});
  }, [client, input]);
}

export function displayInput(checkout: CheckoutState): Input<'display.show'> {
  if (checkout.receipt)
    return { phase: 'paid', memberId: checkout.receipt.memberId, lines: [], redemption: null, saleId: checkout.receipt.saleId };
  return {
    phase: checkout.lines.length > 0 ? 'basket' : 'idle',
    memberId: checkout.member?.id ?? null,
    lines: checkout.lines.map((l) =>
      l.kind === 'product' ? { sku: l.sku, quantity: l.quantity } : { category: l.category, amountMinor: l.amountMinor },
    ),
    redemption: checkout.redemption,
    saleId: null,
  };
}
