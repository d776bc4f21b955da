import { describe, expect, test } from 'vitest';
import type { Member, SaleResult } from '../../../shared/api.ts';
import { checkoutReducer, initialCheckout, saleInput, shownMember, type CheckoutState } from '../../../renderer/app/checkout-state.ts';

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

  test('a completed sale starts the next one with no member; its member stays beside the receipt; the first scan keeps it that way', () => {
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
    expect(done.member).toBeNull();
    expect(shownMember(done)?.id).toBe('m1');
    expect(saleInput({ ...done, lines: [] }).memberId).toBeNull();
    const next = run(done, { type: 'addProduct', sku: 'B', name: 'B', unitPriceMinor: 100 });
    expect(next).toMatchObject({ member: null, receipt: null, receiptMember: null, saleId: 's2', lastSaleId: 's1' });
    expect(saleInput(next).lines).toEqual([{ sku: 'B', quantity: 1 }]);
    // A member scanned over the receipt starts the next sale with that member.
    const other = run(done, { type: 'member', member: member('m2') });
    expect(other).toMatchObject({ member: { id: 'm2' }, receipt: null, receiptMember: null, saleId: 's2' });
  });

  test('void forgets the last sale and starts a fresh sale with no member; clear keeps it voidable', () => {
    const done = run(
      initialCheckout('s1'),
      { type: 'member', member: member('m1') },
      { type: 'addProduct', sku: 'A', name: 'A', unitPriceMinor: 1 },
      { type: 'completed', receipt: receipt('s1'), member: member('m1'), nextSaleId: 's2' },
    );
    expect(run(done, { type: 'clear', nextSaleId: 's3' }).lastSaleId).toBe('s1');
    const voided = run(done, { type: 'voided', nextSaleId: 's3' });
    expect(voided).toMatchObject({ lastSaleId: null, receipt: null, member: null, receiptMember: null, saleId: 's3', lines: [] });
    // After the void, the next scan earns for nobody: the voided sale's customer is gone.
    const next = run(voided, { type: 'addProduct', sku: 'B', name: 'B', unitPriceMinor: 1 });
    expect(saleInput(next).memberId).toBeNull();
    // Voiding while the next basket is being rung up starts afresh too.
    const midSale = run(
      done,
      { type: 'member', member: member('m2') },
      { type: 'addProduct', sku: 'C', name: 'C', unitPriceMinor: 1 },
      { type: 'voided', nextSaleId: 's4' },
    );
    expect(midSale).toMatchObject({ member: null, lines: [], saleId: 's4' });
  });

  test('a refreshed member replaces the figures on screen and keeps the redemption; another member is left alone', () => {
    const s = run(
      initialCheckout('s1'),
      { type: 'member', member: { ...member('m1'), available: 100 } },
      { type: 'redeem', redemption: { kind: 'points', points: 50 } },
    );
    const fresh = run(s, { type: 'memberRefreshed', member: { ...member('m1'), available: 80 } });
    expect(fresh.member?.available).toBe(80);
    expect(fresh.redemption).toEqual({ kind: 'points', points: 50 });
    expect(run(s, { type: 'memberRefreshed', member: member('m9') }).member?.id).toBe('m1');
  });

  test('a restored sale names its member by id until the backend answers; the redemption survives the answer', () => {
    const restored: CheckoutState = {
      ...initialCheckout('s7'),
      restoringMemberId: 'm1',
      lines: [{ key: 1, kind: 'product', sku: 'A', name: 'A', unitPriceMinor: 100, quantity: 2 }],
      redemption: { kind: 'points', points: 50 },
      nextKey: 2,
    };
    expect(saleInput(restored).memberId).toBe('m1');
    const back = run(restored, { type: 'memberRestored', member: member('m1') });
    expect(back).toMatchObject({ member: { id: 'm1' }, restoringMemberId: null, redemption: { kind: 'points', points: 50 }, saleId: 's7' });
    const gone = run(restored, { type: 'memberRestored', member: null });
    expect(gone).toMatchObject({ member: null, restoringMemberId: null, redemption: null });
  });
});
