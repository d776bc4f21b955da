/**
 * A sale's event tells the server what the till knew of its member when it priced the sale (the tier it
 * priced with, the completed purchases before it), so the server can check both against its own
 * knowledge; a sale without a member carries none.
 */
import { afterEach, expect, test } from 'vitest';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { saleCommittedSchema } from '../../shared/sync-protocol.ts';
import { createTestTerminal, TUESDAY, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t.close());

function saleEvent(saleId: string): Record<string, unknown> {
  const payload = t.backend.store.db
    .prepare("SELECT payload FROM outbox WHERE kind = 'sale.committed' AND json_extract(payload, '$.saleId') = ?")
    .pluck()
    .get(saleId) as string;
  const event = JSON.parse(payload) as Record<string, unknown>;
  saleCommittedSchema.parse(event); // what the server will read
  return event;
}

test('each sale carries the tier it was priced with and the purchases before it; a sale without a member carries none', () => {
  t = createTestTerminal({ now: TUESDAY });
  const cashier = t.login('cashier');
  const member = t.enrol(t.login('manager'));

  // Two televisions: about 1,000 points earned at bronze, which lifts the member to silver after the sale.
  const first = uuidv7();
  const big = t.call('sale.commit', { saleId: first, memberId: member.id, lines: [{ sku: 'TV', quantity: 2 }] }, cashier);
  expect(big.tierAfter).toBe('silver');
  expect(saleEvent(first).memberFacts).toEqual({ tier: 'bronze', purchaseCount: 0 });

  t.clock.advance(60_000);
  const second = uuidv7();
  t.call('sale.commit', { saleId: second, memberId: member.id, lines: [{ sku: 'BREAD', quantity: 1 }] }, cashier);
  expect(saleEvent(second).memberFacts).toEqual({ tier: 'silver', purchaseCount: 1 });

  const anonymous = uuidv7();
  t.call('sale.commit', { saleId: anonymous, memberId: null, lines: [{ sku: 'BREAD', quantity: 1 }] }, cashier);
  expect(saleEvent(anonymous)).not.toHaveProperty('memberFacts');
});
