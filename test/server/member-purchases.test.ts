/**
 * Every till receives, with each member, the purchases the server holds of it at every till
 * (server/apply/member-purchases.ts): how many, and the newest times inside the current
 * programme's nth-purchase window, newest first, at most n. A purchase is a sale the server
 * applied that earns points; a void does not take it back; a sale below the minimum spend is none.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgram } from '../../server/admin/catalogue.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { newDeviceKeyPair } from '../../main/backend/sync/request-signer.ts';
import { pullResponseSchema, type MemberRecord, type PairResponse } from '../../shared/sync-protocol.ts';
import { EventLog, serverTestProgram } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

const DAY = 86_400_000;

describe.each(DRIVERS)('member purchases in the pull (%s)', (driver) => {
  let h: Harness;
  let paris: Terminal;
  let lyon: Terminal;
  afterAll(() => h?.close());
  beforeAll(async () => {
    h = await startHarness(driver);
    // Both tills paired before the member's first sale (a sale older than its till is held).
    h.clock.now = T0 - 100 * DAY;
    await importProgram(h.db, serverTestProgram, h.clock.now);
    paris = await h.pair('Paris till');
    await createStore(h.db, { id: 'lyon-1', name: 'Lyon', timeZone: 'Europe/Paris', currency: 'EUR' }, h.clock.now);
    const { code } = await createPairingCode(h.db, { storeId: 'lyon-1' }, h.clock.now);
    const keys = newDeviceKeyPair();
    const res = await h.request(null, 'POST', '/v1/pair', { code, terminalName: 'Lyon till', publicKey: keys.publicKey });
    expect(res.status).toBe(200);
    lyon = { ...(res.body as PairResponse), ...keys };
    h.clock.now = T0;
  }, 60_000);

  const push = async (t: Terminal, log: EventLog) => {
    const res = await h.request(t, 'POST', '/v1/events', { events: log.events });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const results = (res.body as { results: { status: string }[] }).results;
    expect(results.map((r) => r.status)).toEqual(log.events.map(() => 'applied'));
    log.events = [];
  };
  const pullAll = async (t: Terminal): Promise<Map<string, MemberRecord>> => {
    const out = new Map<string, MemberRecord>();
    let cursor: string | undefined;
    for (;;) {
      const q = new URLSearchParams({ limit: '500', ...(cursor === undefined ? {} : { cursor }) });
      const res = await h.request(t, 'GET', `/v1/changes?${q}`);
      expect(res.status).toBe(200);
      const page = pullResponseSchema.parse(res.body);
      for (const m of page.members) out.set(m.id, m);
      cursor = page.nextCursor;
      if (!page.more) return out;
    }
  };

  it("counts the member's purchases at both stores' tills, and sends the window's newest first, at most n", async () => {
    const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
    const a = new EventLog(h.storeId);
    const b = new EventLog('lyon-1');
    for (const m of [x, y, z]) a.enrol(m, { at: T0 - 60 * DAY });
    a.sale(x, { earn: 3, at: T0 - 40 * DAY }); // a purchase, outside the 30-day window
    a.sale(x, { earn: 3, at: T0 - 3 * DAY });
    a.sale(x, { at: T0 - 2 * DAY }); // below the minimum spend: earns nothing, no purchase
    const voided = randomUUID();
    a.sale(x, { earn: 2, at: T0 - DAY, saleId: voided });
    a.void(voided, x, 2, T0 - DAY + 60_000); // voided later: still a purchase, as the server counts it
    await push(paris, a);
    // The second store's till: one purchase of x, six of y (n = 5 of them are sent).
    b.sale(x, { earn: 4, at: T0 - 3_600_000 });
    for (let i = 6; i >= 1; i--) b.sale(y, { earn: 1, at: T0 - i * DAY });
    await push(lyon, b);

    for (const t of [paris, lyon]) {
      const members = await pullAll(t);
      expect(members.get(x)!.purchases).toEqual({ count: 4, recent: [T0 - 3_600_000, T0 - DAY, T0 - 3 * DAY] });
      expect(members.get(y)!.purchases).toEqual({ count: 6, recent: [1, 2, 3, 4, 5].map((i) => T0 - i * DAY) });
      expect(members.get(z)!.purchases).toEqual({ count: 0, recent: [] });
    }

    // Time passes: the window moves, the count stays.
    h.clock.now = T0 + 29 * DAY;
    a.adjust(x, 1, T0 + 29 * DAY); // rewrites x's row: a new pull brings it
    await push(paris, a);
    expect((await pullAll(paris)).get(x)!.purchases).toEqual({ count: 4, recent: [T0 - 3_600_000] });
    h.clock.now = T0;
  });
});
