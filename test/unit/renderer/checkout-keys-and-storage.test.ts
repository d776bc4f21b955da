import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { restoreCheckout, saveCheckout } from '../../../renderer/app/checkout-persistence.ts';
import { checkoutReducer, initialCheckout, saleInput } from '../../../renderer/app/checkout-state.ts';
import { commandFor, SHORTCUTS } from '../../../renderer/app/checkout-keys.ts';
import type { Member } from '../../../shared/api.ts';

describe('the checkout’s keys', () => {
  test('each function key stands for one action; the browser keeps F11 and F12; modifiers mean something else', () => {
    const keys = Object.values(SHORTCUTS);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain('F11');
    expect(keys).not.toContain('F12');
    expect(commandFor({ key: 'F10' }, 'field')).toBe('complete');
    expect(commandFor({ key: 'F6' }, 'control')).toBe('quick1');
    expect(commandFor({ key: 'F9' }, 'none')).toBe('quick4');
    expect(commandFor({ key: 'F5' }, 'none')).toBe('voidLast');
    expect(commandFor({ key: 'F10', ctrlKey: true }, 'none')).toBeNull();
    expect(commandFor({ key: 'F1', shiftKey: true }, 'none')).toBeNull();
    expect(commandFor({ key: 'a' }, 'none')).toBeNull();
  });

  test('Enter completes only when nothing else has focus', () => {
    expect(commandFor({ key: 'Enter' }, 'none')).toBe('complete');
    expect(commandFor({ key: 'Enter' }, 'field')).toBeNull();
    expect(commandFor({ key: 'Enter' }, 'control')).toBeNull();
  });
});

/** sessionStorage as the page has it: the test runs in Node, so a Map stands in for the window's storage. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
}

describe('the sale in progress across a reload', () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = new MemoryStorage();
    (globalThis as { sessionStorage?: unknown }).sessionStorage = storage;
  });
  afterEach(() => {
    delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
  });

  const member = { id: 'm1', name: 'Ann Martin', phone: '+49 151 0000', email: 'ann@example.com' } as Member;

  test('lines, member (by id only), points chosen, sale id and last sale come back; no personal data is stored', () => {
    const state = [
      { type: 'member', member } as const,
      { type: 'addProduct', sku: 'A', name: 'Apples', unitPriceMinor: 400 } as const,
      { type: 'addProduct', sku: 'A', name: 'Apples', unitPriceMinor: 400 } as const,
      { type: 'addKeyed', category: 'deli', amountMinor: 250 } as const,
      { type: 'redeem', redemption: { kind: 'points', points: 500 } } as const,
    ].reduce(checkoutReducer, { ...initialCheckout('s1'), lastSaleId: 's0' });
    saveCheckout(state);
    const raw = storage.getItem(storage.keys()[0]!)!;
    expect(raw).not.toContain('Ann');
    expect(raw).not.toContain('151');
    expect(raw).not.toContain('example.com');

    const restored = restoreCheckout(() => 'new');
    expect(restored).toMatchObject({ saleId: 's1', lastSaleId: 's0', member: null, restoringMemberId: 'm1', nextKey: state.nextKey });
    expect(saleInput(restored)).toEqual(saleInput(state));
    // The backend answers with the member: the chosen points stay.
    const back = checkoutReducer(restored, { type: 'memberRestored', member });
    expect(back.redemption).toEqual({ kind: 'points', points: 500 });
  });

  test('nothing saved, or something unreadable: a new sale', () => {
    expect(restoreCheckout(() => 'new')).toEqual(initialCheckout('new'));
    storage.setItem('loyalty-terminal.sale-in-progress', '{"v":1,"saleId":"s1","lines":[{"kind":"product","sku":"A"}]}');
    expect(restoreCheckout(() => 'new')).toEqual(initialCheckout('new'));
    storage.setItem('loyalty-terminal.sale-in-progress', 'not json');
    expect(restoreCheckout(() => 'new')).toEqual(initialCheckout('new'));
  });
});
