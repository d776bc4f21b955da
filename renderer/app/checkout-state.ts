import type { Input, Member, SaleResult } from '../../shared/api.ts';

/**
 * The sale being rung up, kept above the screens so a trip to "Find member"
 * and back loses nothing. Pure: a reducer the checkout screen and the tests
 * drive with actions.
 */
export type BasketLine =
  | { key: number; kind: 'product'; sku: string; name: string; unitPriceMinor: number; quantity: number }
  | { key: number; kind: 'keyed'; category: string; amountMinor: number };

export type Redemption = { kind: 'points'; points: number } | { kind: 'reward'; rewardId: string } | null;

export interface CheckoutState {
  member: Member | null;
  lines: BasketLine[];
  redemption: Redemption;
  /** The id this sale will be committed under: made once, reused by every retry so a sale is never doubled. */
  saleId: string;
  receipt: SaleResult | null;
  /** The last completed sale, for "void last sale". */
  lastSaleId: string | null;
  nextKey: number;
}

export type CheckoutAction =
  | { type: 'member'; member: Member | null }
  | { type: 'addProduct'; sku: string; name: string; unitPriceMinor: number }
  | { type: 'addKeyed'; category: string; amountMinor: number }
  | { type: 'quantity'; key: number; quantity: number }
  | { type: 'remove'; key: number }
  | { type: 'redeem'; redemption: Redemption }
  /** `member` is the member as they are after the sale (the receipt view shows their new balance). */
  | { type: 'completed'; receipt: SaleResult; member: Member | null; nextSaleId: string }
  | { type: 'voided' }
  | { type: 'clear'; nextSaleId: string };

export function initialCheckout(saleId: string): CheckoutState {
  return { member: null, lines: [], redemption: null, saleId, receipt: null, lastSaleId: null, nextKey: 1 };
}

export function checkoutReducer(state: CheckoutState, action: CheckoutAction): CheckoutState {
  switch (action.type) {
    case 'member':
      // A different member: their points, not the last one's.
      return {
        ...state,
        member: action.member,
        redemption: action.member?.id === state.member?.id ? state.redemption : null,
        receipt: null,
      };
    case 'addProduct': {
      // The first scan after a receipt starts the next customer's sale: never with the last member on it.
      if (state.receipt) return checkoutReducer(afterReceipt(state), action);
      const same = state.lines.find((l) => l.kind === 'product' && l.sku === action.sku);
      if (same)
        return {
          ...state,
          receipt: null,
          lines: state.lines.map((l) => (l === same && l.kind === 'product' ? { ...l, quantity: Math.min(l.quantity + 1, 9999) } : l)),
        };
      const line: BasketLine = {
        key: state.nextKey,
        kind: 'product',
        sku: action.sku,
        name: action.name,
        unitPriceMinor: action.unitPriceMinor,
        quantity: 1,
      };
      return { ...state, receipt: null, lines: [...state.lines, line], nextKey: state.nextKey + 1 };
    }
    case 'addKeyed':
      if (state.receipt) return checkoutReducer(afterReceipt(state), action);
      return {
        ...state,
        receipt: null,
        lines: [...state.lines, { key: state.nextKey, kind: 'keyed', category: action.category, amountMinor: action.amountMinor }],
        nextKey: state.nextKey + 1,
      };
    case 'quantity':
      return {
        ...state,
        lines: state.lines.map((l) =>
          l.key === action.key && l.kind === 'product' ? { ...l, quantity: Math.max(1, Math.min(9999, action.quantity)) } : l,
        ),
      };
    case 'remove':
      return { ...state, lines: state.lines.filter((l) => l.key !== action.key) };
    case 'redeem':
      return { ...state, redemption: action.redemption };
    case 'completed':
      return {
        ...initialCheckout(action.nextSaleId),
        member: action.member,
        receipt: action.receipt,
        lastSaleId: action.receipt.saleId,
        nextKey: state.nextKey,
      };
    case 'voided':
      return { ...state, lastSaleId: null, receipt: null };
    case 'clear':
      return { ...initialCheckout(action.nextSaleId), lastSaleId: state.lastSaleId, nextKey: state.nextKey };
  }
}

function afterReceipt(state: CheckoutState): CheckoutState {
  return { ...initialCheckout(state.saleId), lastSaleId: state.lastSaleId, nextKey: state.nextKey };
}

/** The basket as the backend's sale input. */
export function saleInput(state: CheckoutState): Input<'sale.preview'> {
  return {
    memberId: state.member?.id ?? null,
    lines: state.lines.map((l) =>
      l.kind === 'product' ? { sku: l.sku, quantity: l.quantity } : { category: l.category, amountMinor: l.amountMinor },
    ),
    redemption: state.redemption,
  };
}
