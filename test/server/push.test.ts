import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMemberStatus, showMember } from '../../server/admin/members.ts';
import { listFlags } from '../../server/admin/flags.ts';
import { importProgram } from '../../server/admin/catalogue.ts';
import { addMonths } from '../../shared/loyalty/local-time.ts';
import { pushResponseSchema, syncErrorSchema, type PushResponse } from '../../shared/sync-protocol.ts';
import { EventLog, serverTestProgram } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

describe.each(DRIVERS)('push (%s)', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(driver);
    await importProgram(h.db, serverTestProgram, T0);
  }, 60_000);
  afterAll(() => h?.close());

  const push = async (t: Terminal, events: unknown[]) => h.request(t, 'POST', '/v1/events', { events });
  const ok = (res: { status: number; body: unknown }): PushResponse => {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return pushResponseSchema.parse(res.body);
  };
  const balance = async (memberId: string) => {
    const d = await showMember(h.db, memberId);
    expect(d.ledgerSum).toBe(d.member.balance);
    return d.member.balance;
  };

  it('applies each event exactly once, by id, forever; a repeated batch is all duplicates', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m, { bonus: 100 });
    log.sale(m, { earn: 40 });
    const first = ok(await push(t, log.events));
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(first.appliedSeq).toBe(2);
    h.clock.now += 30 * 86_400_000; // weeks later, the same batch again
    const again = ok(await push(t, log.events));
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(await balance(m)).toBe(140);
    // A retry overlapping old and new events: only the new one applies.
    log.sale(m, { earn: 10, at: h.clock.now });
    const overlap = ok(await push(t, log.events));
    expect(overlap.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'applied']);
    expect(overlap.appliedSeq).toBe(3);
    expect(await balance(m)).toBe(150);
    h.clock.now = T0;
  });

  it('refuses a gap with 409 SEQUENCE_GAP and applies nothing', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m);
    log.sale(m, { earn: 5 });
    const res = await push(t, log.events.slice(1));
    expect(res.status).toBe(409);
    expect(syncErrorSchema.parse(res.body)).toMatchObject({ code: 'SEQUENCE_GAP', details: { expectedSeq: 1 } });
    await expect(showMember(h.db, m)).rejects.toThrow(/No member/);
  });

  it('refuses a reused sequence number carrying a new id (SEQUENCE_CONFLICT) rather than losing it', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m);
    ok(await push(t, log.events));
    const other = new EventLog(h.storeId);
    other.enrol(randomUUID());
    const res = await push(t, other.events);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'SEQUENCE_CONFLICT' });
  });

  it('applies a batch atomically: one invalid event and nothing is applied', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m, { bonus: 100 });
    log.sale(m, { earn: 10 });
    const bad = structuredClone(log.events) as { payload: { ledger: { points: number }[] } }[];
    bad[1]!.payload.ledger[0]!.points = 1.5;
    const res = await push(t, bad);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION',
      details: { issues: [expect.objectContaining({ path: ['events', 1, 'payload', 'ledger', 0, 'points'] })] },
    });
    await expect(showMember(h.db, m)).rejects.toThrow(/No member/);
    const [terminal] = await h.db.query<{ applied_seq: number }>('SELECT applied_seq FROM terminals WHERE id = $1', [t.terminalId]);
    expect(terminal?.applied_seq).toBe(0);
  });

  it('never refuses an offline sale: an overdraft is applied and flagged', async () => {
    const a = await h.pair('Till A');
    const b = await h.pair('Till B');
    const m = randomUUID();
    const la = new EventLog(h.storeId);
    la.enrol(m, { bonus: 100 });
    la.sale(m, { earn: 400 });
    ok(await push(a, la.events));
    // Both tills spend the same 400 points offline.
    la.sale(m, { redeem: 400 });
    const lb = new EventLog(h.storeId);
    lb.sale(m, { redeem: 400 });
    expect(ok(await push(a, la.events.slice(2))).results[0]!.status).toBe('applied');
    const second = ok(await push(b, lb.events));
    expect(second.results[0]).toMatchObject({ status: 'applied_with_adjustment', reasons: ['overdraft'] });
    expect(await balance(m)).toBe(-300);
    const flags = await listFlags(h.db, 'overdraft');
    expect(flags.filter((f) => f.memberId === m)).toEqual([
      expect.objectContaining({ eventId: lb.events[0]!.id, details: { points: -400, balanceAfter: -300 } }),
    ]);
    // New points pay the debt first. The repeated first event answers duplicate with its reasons (a lost answer is not a lost flag).
    lb.sale(m, { earn: 350 });
    expect(ok(await push(b, lb.events)).results[0]).toEqual({ id: lb.events[0]!.id, seq: 1, status: 'duplicate', reasons: ['overdraft'] });
    const d = await showMember(h.db, m);
    expect(d.member.balance).toBe(50);
    expect(d.lots.reduce((s, l) => s + l.remaining, 0)).toBe(50);
  });

  it('applies and flags an earn by a member blocked meanwhile', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m);
    ok(await push(t, log.events));
    await setMemberStatus(h.db, m, 'blocked', T0);
    log.sale(m, { earn: 25 });
    const res = ok(await push(t, log.events));
    expect(res.results[1]).toMatchObject({ status: 'applied_with_adjustment', reasons: ['blocked_member_earn'] });
    expect(await balance(m)).toBe(25);
  });

  it('keeps the points of a member whose enrolment has not arrived yet, and fills the member in later', async () => {
    const enroller = await h.pair('Enrolling till');
    const seller = await h.pair('Other till');
    const m = randomUUID();
    const ls = new EventLog(h.storeId);
    ls.sale(m, { earn: 70 });
    expect(ok(await push(seller, ls.events)).results[0]!.status).toBe('applied');
    const pending = await showMember(h.db, m);
    expect(pending.member.status).toBe('pending_enrolment');
    // Not sent to terminals while pending.
    const pull = await h.request(seller, 'GET', '/v1/changes?limit=5000');
    expect((pull.body as { members: { id: string }[] }).members.some((x) => x.id === m)).toBe(false);
    const le = new EventLog(h.storeId);
    le.enrol(m, { bonus: 100, name: 'Late Arrival' });
    ok(await push(enroller, le.events));
    const d = await showMember(h.db, m);
    expect(d.member).toMatchObject({ status: 'active', name: 'Late Arrival', balance: 170, tier: 'bronze' });
  });

  it('keeps both members and flags a duplicate enrolment of the same phone or email', async () => {
    const a = await h.pair();
    const b = await h.pair();
    const m1 = randomUUID();
    const m2 = randomUUID();
    const la = new EventLog(h.storeId);
    la.enrol(m1, { phone: '+33611223344', email: 'Same@Example.org' });
    const lb = new EventLog(h.storeId);
    lb.enrol(m2, { phone: '+33699999999', email: 'same@example.org' });
    ok(await push(a, la.events));
    const res = ok(await push(b, lb.events));
    expect(res.results[0]).toMatchObject({ status: 'applied_with_adjustment', reasons: ['duplicate_enrolment'] });
    expect((await showMember(h.db, m1)).member.status).toBe('active');
    expect((await showMember(h.db, m2)).member.status).toBe('active');
    const flags = (await listFlags(h.db, 'duplicate_enrolment')).filter((f) => f.memberId === m2);
    expect(flags).toEqual([expect.objectContaining({ details: expect.objectContaining({ otherMemberIds: [m1] }) })]);
  });

  it('expires lots at their date and keeps balance = ledger sum', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m);
    log.sale(m, { earn: 30, expiresAt: T0 + 86_400_000 });
    log.sale(m, { earn: 20, expiresAt: T0 + 10 * 86_400_000 });
    ok(await push(t, log.events));
    h.clock.now = T0 + 2 * 86_400_000;
    await h.server.maintain();
    const d = await showMember(h.db, m);
    expect(d.member.balance).toBe(20);
    expect(d.ledger.at(-1)).toMatchObject({ kind: 'expire', points: -30 });
    h.clock.now = T0;
  });

  it('moves tiers by the points in the window: up when a threshold is reached, never on points that left it', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    const tier = async () =>
      (await h.db.query<{ tier: string; qualifying_bound: number }>('SELECT tier, qualifying_bound FROM members WHERE id = $1', [m]))[0]!;
    const at = (months: number, days = 0) => addMonths(T0, months) + days * 86_400_000;
    log.enrol(m);
    log.sale(m, { earn: 450, at: at(0, 15) });
    h.clock.now = at(0, 15);
    ok(await push(t, log.events));
    expect(await tier()).toEqual({ tier: 'bronze', qualifying_bound: 450 });
    // The anniversary review counts the window exactly: 460 < 500 (silver).
    h.clock.now = at(12, 1);
    log.sale(m, { earn: 10, at: h.clock.now });
    ok(await push(t, log.events));
    expect(await tier()).toEqual({ tier: 'bronze', qualifying_bound: 460 });
    // The 450 left the window: 460 + 100 would reach silver, the window holds 110.
    h.clock.now = at(12, 20);
    log.sale(m, { earn: 100, at: h.clock.now });
    ok(await push(t, log.events));
    expect(await tier()).toEqual({ tier: 'bronze', qualifying_bound: 110 });
    log.sale(m, { earn: 400, at: h.clock.now });
    ok(await push(t, log.events));
    expect(await tier()).toEqual({ tier: 'silver', qualifying_bound: 510 });
    h.clock.now = T0;
  });

  it('shows pushed sales, voids and refunds in the sales and refunds views', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m);
    const kept = log.sale(m, { earn: 30 }).payload as { saleId: string };
    const voided = log.sale(m, { earn: 20 }).payload as { saleId: string };
    log.void(voided.saleId, m, 20, T0 + 60_000);
    log.refund(kept.saleId, m, 12, T0 + 120_000);
    ok(await push(t, log.events));
    const sales = await h.db.query<{ id: string; status: string; voided_at: number | null; points_earned: number; store_id: string }>(
      'SELECT id, status, voided_at, points_earned, store_id FROM sales WHERE member_id = $1 ORDER BY points_earned',
      [m],
    );
    expect(sales).toEqual([
      { id: voided.saleId, status: 'voided', voided_at: T0 + 60_000, points_earned: 20, store_id: h.storeId },
      { id: kept.saleId, status: 'completed', voided_at: null, points_earned: 30, store_id: h.storeId },
    ]);
    expect(await h.db.query('SELECT sale_id, refunded_minor FROM refunds WHERE member_id = $1', [m])).toEqual([
      { sale_id: kept.saleId, refunded_minor: 400 },
    ]);
    expect(await balance(m)).toBe(18);
  });

  it('serialises concurrent batches of one terminal without doubling', async () => {
    const t = await h.pair();
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    log.enrol(m);
    for (let i = 0; i < 20; i++) log.sale(m, { earn: 1 });
    const results = await Promise.all([push(t, log.events), push(t, log.events), push(t, log.events)]);
    for (const r of results) expect(r.status).toBe(200);
    const applied = results.flatMap((r) => pushResponseSchema.parse(r.body).results).filter((r) => r.status === 'applied').length;
    expect(applied).toBe(21);
    expect(await balance(m)).toBe(20);
  });
});
