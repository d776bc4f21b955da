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
  /** The member of the sale in progress: null for a sale without one (and always for a new sale). */
  member: Member | null;
  /** A sale restored after a reload names its member by id until the backend has answered with the member. */
  restoringMemberId: string | null;
  lines: BasketLine[];
  redemption: Redemption;
  /** The id this sale will be committed under: made once, reused by every retry so a sale is never doubled. */
  saleId: string;
  receipt: SaleResult | null;
  /** The completed sale's member as they are after it, shown beside its receipt; not part of the next sale. */
  receiptMember: Member | null;
  /** The last completed sale, for "void last sale". */
  lastSaleId: string | null;
  nextKey: number;
}

export type CheckoutAction =
  | { type: 'member'; member: Member | null }
  /** The backend's latest answer for a member already on screen (after a sale, void, refund, adjustment or sync). */
  | { type: 'memberRefreshed'; member: Member }
  /** The member of a restored sale, as the backend knows them now: their redemption is kept. */
  | { type: 'memberRestored'; member: Member | null }
  | { type: 'addProduct'; sku: string; name: string; unitPriceMinor: number }
  | { type: 'addKeyed'; category: string; amountMinor: number }
  | { type: 'quantity'; key: number; quantity: number }
  | { type: 'remove'; key: number }
  | { type: 'redeem'; redemption: Redemption }
  /** `member` is the member as they are after the sale (shown beside the receipt; the next sale starts without them). */
  | { type: 'completed'; receipt: SaleResult; member: Member | null; nextSaleId: string }
  /** The last sale was voided: a fresh sale with no member follows, so the next scan earns for nobody's old sale. */
  | { type: 'voided'; nextSaleId: string }
  | { type: 'clear'; nextSaleId: string };

export function initialCheckout(saleId: string): CheckoutState {
  return {
    member: null,
    restoringMemberId: null,
    lines: [],
    redemption: null,
    saleId,
    receipt: null,
    receiptMember: null,
    lastSaleId: null,
    nextKey: 1,
  };
}

export function checkoutReducer(state: CheckoutState, action: CheckoutAction): CheckoutState {
  switch (action.type) {
    case 'member':
      // A different member: their points, not the last one's. A member scanned over a receipt starts the next sale.
      if (state.receipt) return checkoutReducer(afterReceipt(state), action);
      return {
        ...state,
        member: action.member,
        restoringMemberId: null,
        redemption: action.member?.id === state.member?.id ? state.redemption : null,
      };
    case 'memberRefreshed':
      return {
        ...state,
        member: state.member?.id === action.member.id ? action.member : state.member,
        receiptMember: state.receiptMember?.id === action.member.id ? action.member : state.receiptMember,
      };
    case 'memberRestored':
      if (state.restoringMemberId === null) return state;
      return {
        ...state,
        member: action.member,
        restoringMemberId: null,
        redemption: action.member ? state.redemption : null,
      };
    case 'addProduct': {
      // The first scan after a receipt starts the next customer's sale: never with the last member on it.
      if (state.receipt) return checkoutReducer(afterReceipt(state), action);
      const same = state.lines.find((l) => l.kind === 'product' && l.sku === action.sku);
      if (same)
        return {
          ...state,
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
      return { ...state, lines: [...state.lines, line], nextKey: state.nextKey + 1 };
    }
    case 'addKeyed':
      if (state.receipt) return checkoutReducer(afterReceipt(state), action);
      return {
        ...state,
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
        receipt: action.receipt,
        receiptMember: action.member,
        lastSaleId: action.receipt.saleId,
        nextKey: state.nextKey,
      };
    case 'voided':
      return { ...initialCheckout(action.nextSaleId), nextKey: state.nextKey };
    case 'clear':
      return { ...initialCheckout(action.nextSaleId), lastSaleId: state.lastSaleId, nextKey: state.nextKey };
  }
}

/** The sale after a receipt: the same (unused) sale id, no member, nothing in the basket. */
function afterReceipt(state: CheckoutState): CheckoutState {
  return { ...initialCheckout(state.saleId), lastSaleId: state.lastSaleId, nextKey: state.nextKey };
}

/** The member whose figures the screen shows: the sale's, or the last sale's beside its receipt. */
export function shownMember(state: CheckoutState): Member | null {
  return state.receipt ? state.receiptMember : state.member;
}

/** The basket as the backend's sale input. */
export function saleInput(state: CheckoutState): Input<'sale.preview'> {
  return {
    memberId: state.member?.id ?? state.restoringMemberId,
    lines: state.lines.map((l) =>
      l.kind === 'product' ? { sku: l.sku, quantity: l.quantity } : { category: l.category, amountMinor: l.amountMinor },
    ),
    redemption: state.redemption,
  };
}
