/**
 * Events the server holds for a person (server/apply/trust/judge.ts): nothing
 * of them is applied until someone approves; approval applies what the server
 * judged, once; a refusal applies nothing; a till's retry learns the decision.
 * A void or refund that arrives before its sale waits for it and is judged
 * when it comes. On real PostgreSQL: the decisions and pushes lock members.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgram } from '../../server/admin/catalogue.ts';
import { decideHeld, listHeld } from '../../server/admin/held.ts';
import { showMember } from '../../server/admin/members.ts';
import { programConfigSchema } from '../../shared/program.ts';
import { pushResponseSchema, type PushResponse } from '../../shared/sync-protocol.ts';
import { EventLog, serverTestProgram } from './events.ts';
import { startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

describe('held events (postgres)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('postgres');
    const bounded = programConfigSchema.parse({
      ...serverTestProgram,
      bounds: { ...serverTestProgram.bounds, adjustmentPoints: 500, pointsPerMemberPerDay: 1_000 },
    });
    await importProgram(h.db, bounded, T0);
  }, 60_000);
  afterAll(() => h?.close());

  const push = async (t: Terminal, events: unknown[]): Promise<PushResponse> => {
    const res = await h.request(t, 'POST', '/v1/events', { events });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return pushResponseSchema.parse(res.body);
  };
  const balance = async (memberId: string) => {
    const d = await showMember(h.db, memberId);
    expect(d.ledgerSum).toBe(d.member.balance);
    return d.member.balance;
  };

  it('holds an adjustment above the bound until a person approves it, then applies it once', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m, { bonus: 100 });
    log.adjust(m, 800);
    const first = await push(t, log.events);
    expect(first.results[1]).toMatchObject({ status: 'held', reasons: ['over_limit'] });
    expect(await balance(m)).toBe(100);
    const held = (await listHeld(h.db)).find((e) => e.eventId === log.events[1]!.id);
    expect(held).toMatchObject({ kind: 'points.adjusted', reasons: ['over_limit'], points: { [m]: 800 } });

    // The till retries before anyone decided: still held, nothing applied.
    expect((await push(t, log.events)).results[1]).toMatchObject({ status: 'held' });
    expect(await balance(m)).toBe(100);

    await expect(decideHeld(h.db, log.events[1]!.id, 'approved', 'head office', T0)).resolves.toMatchObject({ pointsApplied: 800 });
    expect(await balance(m)).toBe(900);
    await expect(decideHeld(h.db, log.events[1]!.id, 'approved', 'head office', T0)).rejects.toThrow(/decided already/);
    expect(await balance(m)).toBe(900);
    expect((await push(t, log.events)).results[1]).toMatchObject({ status: 'duplicate', reasons: ['over_limit'] });
    expect((await listHeld(h.db)).some((e) => e.eventId === log.events[1]!.id)).toBe(false);
  });

  it('a refused held event applies nothing, and the till hears so', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m, { bonus: 100 });
    log.adjust(m, -3_000);
    expect((await push(t, log.events)).results[1]).toMatchObject({ status: 'held' });
    await decideHeld(h.db, log.events[1]!.id, 'refused', 'head office', T0);
    expect(await balance(m)).toBe(100);
    expect((await push(t, log.events)).results[1]).toMatchObject({ status: 'refused', reasons: ['over_limit'] });
  });

  it('a refund that arrives before its sale waits for it and is judged when the sale comes, from another till', async () => {
    const seller = await h.pair('Seller');
    const refunder = await h.pair('Refunder');
    const m = randomUUID();
    const ls = new EventLog(h.storeId);
    ls.enrol(m, { bonus: 100 });
    expect((await push(seller, ls.events)).results[0]!.status).toBe('applied');
    const saleId = randomUUID();
    ls.sale(m, { earn: 80, saleId });
    const lr = new EventLog(h.storeId);
    lr.refund(saleId, m, 80);
    expect((await push(refunder, lr.events)).results[0]).toMatchObject({ status: 'held', reasons: ['awaiting_sale'] });
    expect(await balance(m)).toBe(100);

    // The sale arrives: the refund is judged at once and applied; nothing waits any more.
    expect((await push(seller, ls.events.slice(1))).results[0]!.status).toBe('applied');
    expect(await balance(m)).toBe(100);
    expect((await listHeld(h.db)).some((e) => e.eventId === lr.events[0]!.id)).toBe(false);
    expect((await push(refunder, lr.events)).results[0]).toMatchObject({ status: 'duplicate' });
  });

  it('a refund waiting for its sale cannot take back more than the sale gave once it arrives', async () => {
    const seller = await h.pair('Seller 2');
    const refunder = await h.pair('Refunder 2');
    const m = randomUUID();
    const ls = new EventLog(h.storeId);
    ls.enrol(m, { bonus: 100 });
    const saleId = randomUUID();
    ls.sale(m, { earn: 30, saleId });
    const lr = new EventLog(h.storeId);
    lr.refund(saleId, m, 90);
    expect((await push(refunder, lr.events)).results[0]).toMatchObject({ status: 'held', reasons: ['awaiting_sale'] });
    await push(seller, ls.events);
    expect(await balance(m)).toBe(100);
    const retry = await push(refunder, lr.events);
    expect(retry.results[0]).toMatchObject({ status: 'duplicate', reasons: ['points_repriced'] });
  });

  it('holds a sale dated before its till was paired, or older than the programme allows', async () => {
    const t = await h.pair('Clock set back');
    const m = randomUUID();
    const log = new EventLog(h.storeId);
    log.enrol(m, { bonus: 100 });
    log.sale(m, { earn: 40, at: T0 - 30 * 86_400_000 });
    const res = await push(t, log.events);
    expect(res.results[1]).toMatchObject({ status: 'held', reasons: ['over_limit'] });
    expect((await listHeld(h.db)).find((e) => e.eventId === log.events[1]!.id)?.details).toEqual([
      expect.objectContaining({ kind: 'over_limit', bound: 'beforePairing' }),
    ]);
    expect(await balance(m)).toBe(100);

    const later = await h.pair('Long offline');
    h.clock.now = T0 + 500 * 86_400_000;
    const old = new EventLog(h.storeId);
    old.sale(m, { earn: 30, at: T0 + 10 * 86_400_000 });
    expect((await push(later, old.events)).results[0]).toMatchObject({ status: 'held', reasons: ['over_limit'] });
    h.clock.now = T0;
    expect(await balance(m)).toBe(100);
  });

  it('a void that leaves points out is completed by the server: the whole sale is reversed', async () => {
    const t = await h.pair('Short void');
    const m = randomUUID();
    const log = new EventLog(h.storeId);
    log.enrol(m, { bonus: 100 });
    const saleId = randomUUID();
    log.sale(m, { earn: 60, redeem: 50, saleId });
    expect((await push(t, log.events)).results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(await balance(m)).toBe(110);
    const empty = new EventLog(h.storeId);
    empty.seq = log.seq;
    empty.void(saleId, m, 60);
    (empty.events[0]!.payload as { ledger: unknown[] }).ledger = [];
    const res = await push(t, empty.events);
    expect(res.results[0]).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
    // The 60 earned taken back, the 50 spent given back: the balance before the sale.
    expect(await balance(m)).toBe(100);
  });

  it("counts a member's credits of the day across tills and batches: above the bound, held; the next day, applied", async () => {
    const a = await h.pair('Day A');
    const b = await h.pair('Day B');
    const m = randomUUID();
    const la = new EventLog(h.storeId);
    la.enrol(m, { bonus: 100 });
    la.sale(m, { earn: 600 });
    expect((await push(a, la.events)).results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const lb = new EventLog(h.storeId);
    lb.sale(m, { earn: 400 });
    const held = await push(b, lb.events);
    expect(held.results[0]).toMatchObject({ status: 'held', reasons: ['over_limit'] });
    expect((await listHeld(h.db)).find((e) => e.eventId === lb.events[0]!.id)?.details).toEqual([
      expect.objectContaining({ bound: 'pointsPerMemberPerDay', limit: 1_000, usedToday: 700 }),
    ]);
    expect(await balance(m)).toBe(700);
    h.clock.now = T0 + 86_400_000;
    lb.sale(m, { earn: 400, at: T0 + 86_400_000 });
    expect((await push(b, lb.events.slice(1))).results[0]!.status).toBe('applied');
    h.clock.now = T0;
    expect(await balance(m)).toBe(1_100);
  });
});
