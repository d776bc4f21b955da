import { describe, expect, test } from 'vitest';
import type { Member, SaleResult } from '../../../shared/api.ts';
import { checkoutReducer, initialCheckout, saleInput, type CheckoutState } from '../../../renderer/app/checkout-state.ts';

const member = (id: string) => ({ id, name: id }) as Member;
const receipt = (saleId: string) => ({ saleId, memberId: 'm1' }) as SaleResult;
const run = (state: CheckoutState, ...actions: Parameters<typeof checkoutReducer>[1][]) => actions.reduce(checkoutReducer, state);

describe('the sale being rung up', () => {
  test('scanning the same product twice adds one to its quantity; keyed amounts stay separate lines', () => {
    const s = run(
      initialCheckout('s1'),
      { type: 'addProduct', sku: 'A', name: 'A', unitPriceMinor: 100 },
      { type: 'addProduct', sku: 'A', name: 'A', unitPriceMinor: 100 },
      { type: 'addKeyed', category: 'deli', amountMinor: 250 },
      { type: 'addKeyed', category: 'deli', amountMinor: 250 },
    );
    expect(saleInput(s).lines).toEqual([
      { sku: 'A', quantity: 2 },
      { category: 'deli', amountMinor: 250 },
      { category: 'deli', amountMinor: 250 },
    ]);
  });

  test('quantities stay within 1..9999 and lines can be removed', () => {
    let s = run(initialCheckout('s1'), { type: 'addProduct', sku: 'A', name: 'A', unitPriceMinor: 100 });
    const key = s.lines[0]!.key;
    s = run(s, { type: 'quantity', key, quantity: 0 });
    expect(saleInput(s).lines).toEqual([{ sku: 'A', quantity: 1 }]);
    s = run(s, { type: 'quantity', key, quantity: 123_456 });
    expect(saleInput(s).lines).toEqual([{ sku: 'A', quantity: 9999 }]);
    expect(run(s, { type: 'remove', key }).lines).toEqual([]);
  });

  test('another member drops the chosen redemption; the same member keeps it', () => {
    let s = run(
      initialCheckout('s1'),
      { type: 'member', member: member('m1') },
      { type: 'redeem', redemption: { kind: 'points', points: 500 } },
    );
    expect(run(s, { type: 'member', member: member('m1') }).redemption).toEqual({ kind: 'points', points: 500 });
    s = run(s, { type: 'member', member: member('m2') });
    expect(s.redemption).toBeNull();
    expect(saleInput(s).memberId).toBe('m2');
  });

  test('the sale id stays the same until the sale completes, so a retried "complete" cannot double it', () => {
    const s = run(
      initialCheckout('s1'),
      { type: 'addProduct', sku: 'A', name: 'A', unitPriceMinor: 100 },
      { type: 'redeem', redemption: null },
    );
    expect(s.saleId).toBe('s1');
    const done = run(s, { type: 'completed', receipt: receipt('s1'), member: member('m1'), nextSaleId: 's2' });
    expect(done).toMatchObject({ saleId: 's2', lines: [], lastSaleId: 's1', receipt: { saleId: 's1' } });
  });

  test('the first scan after a receipt starts the next customer’s sale without the last member', () => {
    const done = run(
      initialCheckout('s1'),
      { type: 'member', member: member('m1') },
      { type: 'addProduct', sku: 'A', name: 'A', unitPriceMinor: 100 },
      {
        type: 'completed',
        receipt: receipt('s1'),
        member: member('m1'),
        nextSaleId: 's2',
      },
    );
    expect(done.member?.id).toBe('m1');
    const next = run(done, { type: 'addProduct', sku: 'B', name: 'B', unitPriceMinor: 100 });
    expect(next).toMatchObject({ member: null, receipt: null, saleId: 's2', lastSaleId: 's1' });
    expect(saleInput(next).lines).toEqual([{ sku: 'B', quantity: 1 }]);
  });

  test('void forgets the last sale; clear keeps it voidable', () => {
    const done = run(
      initialCheckout('s1'),
      { type: 'addProduct', sku: 'A', name: 'A', unitPriceMinor: 1 },
      { type: 'completed', receipt: receipt('s1'), member: null, nextSaleId: 's2' },
    );
    expect(run(done, { type: 'clear', nextSaleId: 's3' }).lastSaleId).toBe('s1');
    expect(run(done, { type: 'voided' }).lastSaleId).toBeNull();
  });
});
