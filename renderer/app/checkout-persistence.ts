import { initialCheckout, type BasketLine, type CheckoutState, type Redemption } from './checkout-state.ts';

/**
 * The sale in progress kept in the page's sessionStorage, so a reload of the page or a restart of
 * the backend (which signs everyone out) gives the cashier the same basket, member, points and sale
 * id back. sessionStorage, not the terminal's database: it survives both (a backend restart does
 * not touch the page; a reload keeps the tab's storage), a draft basket is not a record (nothing is
 * owed until Complete, and the sale id makes a retried Complete idempotent), and writing SQLite
 * with synchronous=FULL on every scan would cost the hot path. It dies with the window, as an
 * unpaid basket should. No personal data is kept: the member by id only, fetched again on restore.
 */
const KEY = 'loyalty-terminal.sale-in-progress';

interface Saved {
  v: 1;
  saleId: string;
  memberId: string | null;
  lines: BasketLine[];
  redemption: Redemption;
  lastSaleId: string | null;
  nextKey: number;
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function isLine(l: unknown): l is BasketLine {
  if (typeof l !== 'object' || l === null) return false;
  const o = l as Record<string, unknown>;
  if (!isInt(o.key)) return false;
  if (o.kind === 'product')
    return (
      isText(o.sku) && typeof o.name === 'string' && isInt(o.unitPriceMinor) && isInt(o.quantity) && o.quantity >= 1 && o.quantity <= 9999
    );
  return o.kind === 'keyed' && isText(o.category) && isInt(o.amountMinor) && o.amountMinor >= 0;
}

function isRedemption(r: unknown): r is Redemption {
  if (r === null) return true;
  if (typeof r !== 'object') return false;
  const o = r as Record<string, unknown>;
  return (o.kind === 'points' && isInt(o.points) && o.points > 0) || (o.kind === 'reward' && isText(o.rewardId));
}

/** What was saved, checked field by field (no schema library in the renderer's bundle for this). */
function parseSaved(raw: string): Saved | null {
  const o = JSON.parse(raw) as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || o.v !== 1) return null;
  const ok =
    isText(o.saleId) &&
    (o.memberId === null || isText(o.memberId)) &&
    Array.isArray(o.lines) &&
    o.lines.every(isLine) &&
    isRedemption(o.redemption) &&
    (o.lastSaleId === null || isText(o.lastSaleId)) &&
    isInt(o.nextKey);
  return ok ? (o as unknown as Saved) : null;
}

/** The window's sessionStorage (typed here without the DOM library, so Node tests can stand one in). */
interface SaleStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): SaleStorage | null {
  try {
    return (globalThis as { sessionStorage?: SaleStorage }).sessionStorage ?? null;
  } catch {
    return null;
  }
}

export function saveCheckout(state: CheckoutState): void {
  const saved: Saved = {
    v: 1,
    saleId: state.saleId,
    memberId: state.member?.id ?? state.restoringMemberId,
    lines: state.lines,
    redemption: state.redemption,
    lastSaleId: state.lastSaleId,
    nextKey: state.nextKey,
  };
  try {
    storage()?.setItem(KEY, JSON.stringify(saved));
  } catch {
    // Storage full or refused: the sale goes on, it just would not survive a reload.
  }
}

/** The sale saved by this window, or a new one; its member is named by id until the checkout fetches them. */
export function restoreCheckout(newSaleId: () => string): CheckoutState {
  try {
    const raw = storage()?.getItem(KEY);
    if (raw) {
      const saved = parseSaved(raw);
      if (saved)
        return {
          ...initialCheckout(saved.saleId),
          restoringMemberId: saved.memberId,
          lines: saved.lines,
          redemption: saved.redemption,
          lastSaleId: saved.lastSaleId,
          nextKey: saved.nextKey,
        };
    }
  } catch {
    // Unreadable (an older format, or edited by hand): start afresh.
  }
  return initialCheckout(newSaleId());
}
