/**
 * Every outbox row is an event of the sync protocol (shared/sync-protocol.ts)
 * once wrapped {id, seq, kind, createdAt, payload}, and its ledger is exactly
 * what the transaction wrote: per member, the outbox deltas add up to the
 * local ledger.
 */
import { afterEach, expect, test } from 'vitest';
import { syncEventSchema, type SyncEvent } from '../../shared/sync-protocol.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { ledgerSum } from '../../main/backend/store/points.ts';
import { createTestTerminal, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t?.close());

function outboxEvents(): SyncEvent[] {
  const rows = t.backend.store.db.prepare('SELECT seq, id, kind, created_at, payload FROM outbox ORDER BY seq').all() as {
    seq: number;
    id: string;
    kind: string;
    created_at: number;
    payload: string;
  }[];
  return rows.map((r) => {
    const parsed = syncEventSchema.safeParse({
      id: r.id,
      seq: r.seq,
      kind: r.kind,
      createdAt: r.created_at,
      payload: JSON.parse(r.payload),
    });
    if (!parsed.success) throw new Error(`outbox ${r.seq} (${r.kind}) is not a protocol event: ${JSON.stringify(parsed.error.issues)}`);
    return parsed.data;
  });
}

test('every command writes a valid protocol event whose ledger matches the local ledger', () => {
  t = createTestTerminal();
  const manager = t.login('manager');
  const referrer = t.enrol(manager);
  const referee = t.enrol(manager, {
    referrerCard: referrer.cards[0]!,
    phone: '+33 6 12 34 56 78',
    email: 'zoe@example.org',
    birthDate: '1990-04-01',
  });
  const sale = (memberId: string, lines: object[], redemption: object | null = null) =>
    t.call('sale.commit', { saleId: uuidv7(t.clock.now()), memberId, lines: lines as never, redemption: redemption as never }, manager);

  const first = sale(referee.id, [{ category: 'bakery', amountMinor: 60_000 }]); // earn + referral bonuses for both
  expect(first.bonuses.map((b) => b.kind).sort()).toEqual(['referral_referee', 'referral_referrer']);
  const redeemed = sale(referee.id, [{ category: 'bakery', amountMinor: 4_000 }], { kind: 'points', points: 500 });
  const reward = sale(
    referee.id,
    [
      { sku: 'COFFEE-CUP', quantity: 1 },
      { sku: 'BREAD', quantity: 1 },
    ],
    { kind: 'reward', rewardId: 'free-coffee' },
  );
  const toRefund = sale(referrer.id, [
    { sku: 'COFFEE-1KG', quantity: 2 },
    { sku: 'APPLES', quantity: 1 },
  ]);
  t.call('sale.void', { saleId: redeemed.saleId }, manager);
  t.call('sale.refund', { refundId: uuidv7(), saleId: toRefund.saleId, lines: [{ lineNo: 1, quantity: 1 }] }, manager);
  t.call('points.adjust', { adjustmentId: uuidv7(), memberId: referrer.id, points: 25, reason: 'goodwill' }, manager);
  t.call('points.adjust', { adjustmentId: uuidv7(), memberId: referee.id, points: -10, reason: 'correction' }, manager);
  expect(reward.redemption?.rewardId).toBe('free-coffee');

  const events = outboxEvents();
  expect(events.map((e) => e.kind)).toEqual([
    'member.enrolled',
    'member.enrolled',
    'sale.committed',
    'sale.committed',
    'sale.committed',
    'sale.committed',
    'sale.voided',
    'sale.refunded',
    'points.adjusted',
    'points.adjusted',
  ]);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

  // Enrolment: the bonus with the lot expiry the terminal computed; the referral link by id.
  const enrolled = events[1]!;
  expect(enrolled.kind === 'member.enrolled' && enrolled.payload).toMatchObject({
    memberId: referee.id,
    referredBy: referrer.id,
    storeId: 'store-1',
    ledger: [{ memberId: referee.id, kind: 'bonus', points: 100 }],
  });
  const firstSale = events[2]!;
  expect(firstSale.payload.ledger.map((e) => [e.memberId, e.kind]).sort()).toEqual(
    [
      [referee.id, 'bonus'],
      [referee.id, 'earn'],
      [referrer.id, 'bonus'],
    ].sort(),
  );
  for (const e of events.flatMap((ev) => ev.payload.ledger)) {
    if (e.points > 0) expect(e.expiresAt).toBeGreaterThan(t.clock.now());
    else expect(e.expiresAt).toBeUndefined();
  }
  const redemptionSale = events[3]!;
  expect(redemptionSale.kind === 'sale.committed' && redemptionSale.payload).toMatchObject({
    pointsRedeemed: 500,
    holdId: null,
    ledger: expect.arrayContaining([expect.objectContaining({ kind: 'redeem', points: -500 })]),
  });

  // Per member, the outbox deltas are the local ledger (no expiry or sync correction happened).
  const sums = new Map<string, number>();
  for (const e of events.flatMap((ev) => ev.payload.ledger)) sums.set(e.memberId, (sums.get(e.memberId) ?? 0) + e.points);
  for (const m of [referrer.id, referee.id]) expect(sums.get(m)).toBe(ledgerSum(t.backend.store.db, m));
  // And the per-member index written with each event says the same.
  const indexed = t.backend.store.db.prepare('SELECT member_id, sum(points) AS p FROM outbox_points GROUP BY member_id').all() as {
    member_id: string;
    p: number;
  }[];
  for (const r of indexed) expect(r.p).toBe(sums.get(r.member_id));

  // Nothing acknowledged yet: all of the balance is pending.
  const view = t.call('member.get', { memberId: referee.id }, manager);
  expect(view.pendingPoints).toBe(view.balance);
  expect(view.confirmedPoints).toBe(0);
});
