/**
 * The server's answer to each pushed event, as recorded from a server that checks every till
 * (held for approval at head office, refused, re-priced, and the answers repeated after the first
 * answer was lost): every answered event is marked sent, so the
 * queue never sticks on one, and the sync details count and list them apart. (The real server's
 * answers are in test/integration/sync-held-refused.test.ts.)
 */
import { afterEach, expect, test } from 'vitest';
import { outcome, pushOutbox } from '../../../main/backend/sync/push.ts';
import type { RequestOptions } from '../../../main/backend/sync/http-client.ts';
import { uuidv7 } from '../../../main/backend/platform/ids.ts';
import type { EventResult, PushResponse } from '../../../shared/sync-protocol.ts';
import { createTestTerminal, TUESDAY, type TestTerminal } from '../../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t.close());

/** Answers each batch with the recorded statuses, in order. */
function recordedServer(answers: Omit<EventResult, 'id' | 'seq'>[]) {
  let next = 0;
  return {
    postJson<T>(_path: string, json: string, _schema: unknown, _options?: RequestOptions): Promise<T> {
      const events = (JSON.parse(json) as { events: { id: string; seq: number }[] }).events;
      const response: PushResponse = {
        results: events.map((e) => ({ id: e.id, seq: e.seq, ...answers[next++]! })),
        appliedSeq: events[events.length - 1]!.seq,
      };
      return Promise.resolve(response as T);
    },
  };
}

test('held and refused events are marked sent and counted and listed apart from the flagged ones, with their reasons, times and amounts', async () => {
  t = createTestTerminal({ now: TUESDAY });
  const cashier = t.login('cashier');
  const manager = t.login('manager');
  const member = t.enrol(manager); // 1: member.enrolled
  const sale = (sku: string, quantity = 1) =>
    t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku, quantity }] }, cashier);
  sale('TV', 2); // 2
  sale('BREAD', 4); // 3
  t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 9000, reason: 'goodwill' }, manager); // 4
  sale('APPLES'); // 5
  sale('COFFEE-CUP'); // 6
  sale('COFFEE-1KG'); // 7

  const push = () =>
    pushOutbox({
      store: t.backend.store,
      client: recordedServer([
        { status: 'applied' },
        { status: 'held', reasons: ['over_limit'] },
        { status: 'applied_with_adjustment', reasons: ['points_repriced'] },
        { status: 'refused', reasons: ['staff_not_allowed'] },
        // Sent again after a lost answer: a held or refused event is answered so again, with its reasons.
        { status: 'held', reasons: ['awaiting_sale'] },
        { status: 'refused', reasons: ['event_id_taken'] },
        { status: 'duplicate' },
      ]) as never,
      now: () => t.clock.now(),
      batchSize: 3,
    });
  const pushed = await push();
  expect(pushed).toEqual({ batches: 3, sent: 7, flagged: 1, held: 2, refused: 2 });

  // Nothing waits: the queue moved past the held and refused events, and they are never sent again.
  const status = t.call('sync.status', {}, cashier);
  expect(status).toMatchObject({ queueLength: 0, flagged: 1, held: 2, refused: 2 });
  expect((await push()).sent).toBe(0);

  const { flags } = t.call('sync.flags', { limit: 100 }, manager);
  expect(flags.map((f) => ({ kind: f.kind, status: f.status, reasons: f.reasons, amountMinor: f.amountMinor, points: f.points }))).toEqual([
    { kind: 'sale.committed', status: 'refused', reasons: ['event_id_taken'], amountMinor: 350, points: null },
    { kind: 'sale.committed', status: 'held', reasons: ['awaiting_sale'], amountMinor: 400, points: null },
    { kind: 'points.adjusted', status: 'refused', reasons: ['staff_not_allowed'], amountMinor: null, points: 9000 },
    { kind: 'sale.committed', status: 'applied_with_adjustment', reasons: ['points_repriced'], amountMinor: 1000, points: null },
    { kind: 'sale.committed', status: 'held', reasons: ['over_limit'], amountMinor: 99_800, points: null },
  ]);
  expect(flags.every((f) => typeof f.createdAt === 'number')).toBe(true);
});

test('a duplicate with reasons is read as its first answer (applied with an adjustment); without reasons, as sent', () => {
  expect(outcome({ status: 'duplicate' })).toBe('duplicate');
  expect(outcome({ status: 'duplicate', reasons: [] })).toBe('duplicate');
  expect(outcome({ status: 'duplicate', reasons: ['overdraft'] })).toBe('applied_with_adjustment');
  expect(outcome({ status: 'duplicate', reasons: ['points_repriced', 'keyed_earn_capped'] })).toBe('applied_with_adjustment');
  expect(outcome({ status: 'held', reasons: ['over_limit'] })).toBe('held');
  expect(outcome({ status: 'refused', reasons: ['staff_not_allowed'] })).toBe('refused');
});
