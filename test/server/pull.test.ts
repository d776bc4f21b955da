import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProducts, importProgram, importStaff } from '../../server/admin/catalogue.ts';
import { verifyPin } from '../../node-shared/pin-hash.ts';
import { pullResponseSchema, type PullResponse } from '../../shared/sync-protocol.ts';
import { demoProgram } from '../fixtures/program.ts';
import { EventLog } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

describe.each(DRIVERS)('pull (%s)', (driver) => {
  let h: Harness;
  let t: Terminal;
  const members: string[] = [];
  beforeAll(async () => {
    h = await startHarness(driver);
    t = await h.pair();
    await importProgram(h.db, demoProgram, T0);
    await importProducts(h.db, [{ sku: 'COFFEE-CUP', name: 'Coffee', category: 'drinks', priceMinor: 250, barcodes: ['2000000000015'] }]);
    await importStaff(h.db, [
      { id: 'staff-1', name: 'Ana Cashier', role: 'cashier', pin: '4821', storeId: h.storeId },
      { id: 'other-store-1', name: 'Olga Elsewhere', role: 'manager', pin: '482100', storeId: 'elsewhere' },
      { id: 'hq-1', name: 'Hugo Headoffice', role: 'admin', pin: '482101' },
      { id: 'hq-2', name: 'Hana Assigned', role: 'admin', pin: '482102', assignedStores: ['elsewhere', h.storeId] },
    ]);
    const log = new EventLog(h.storeId);
    for (let i = 0; i < 25; i++) {
      const m = randomUUID();
      members.push(m);
      log.enrol(m, { bonus: 100, cardNumber: `2900000${String(i).padStart(5, '0')}` });
    }
    const res = await h.request(t, 'POST', '/v1/events', { events: log.events });
    expect(res.status).toBe(200);
  }, 60_000);
  afterAll(() => h?.close());

  const pull = async (cursor?: string, limit = 10): Promise<PullResponse> => {
    const q = new URLSearchParams({ limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
    const res = await h.request(t, 'GET', `/v1/changes?${q}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return pullResponseSchema.parse(res.body);
  };

  it('pages through everything in change order and resumes from a cursor', async () => {
    const seen: PullResponse[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await pull(cursor, 10);
      seen.push(page);
      cursor = page.nextCursor;
      if (!page.more) break;
    }
    const all = seen.flatMap((p) => p.members.map((m) => m.id));
    expect(new Set(all)).toEqual(new Set(members));
    expect(all.length).toBe(members.length);
    expect(seen.every((p) => p.members.length + p.programs.length + p.products.length + p.staff.length + p.publicKeys.length <= 10)).toBe(
      true,
    );
    const flat = {
      programs: seen.flatMap((p) => p.programs),
      products: seen.flatMap((p) => p.products),
      staff: seen.flatMap((p) => p.staff),
      keys: seen.flatMap((p) => p.publicKeys),
    };
    expect(flat.programs.map((p) => p.version)).toEqual([1]);
    expect(flat.products).toEqual([
      { sku: 'COFFEE-CUP', name: 'Coffee', category: 'drinks', priceMinor: 250, barcodes: ['2000000000015'], active: true },
    ]);
    // Only this store's staff and the admin assigned to it: never another store's, nor head office unassigned.
    expect(flat.staff.map((s) => s.id).sort()).toEqual(['hq-2', 'staff-1']);
    const ana = flat.staff.find((s) => s.id === 'staff-1');
    expect(ana).toMatchObject({ id: 'staff-1', role: 'cashier', active: true });
    expect(verifyPin('4821', ana!.pinHash)).toBe(true);
    expect(flat.keys.length).toBe(1);
    const m0 = seen.flatMap((p) => p.members).find((m) => m.id === members[0])!;
    expect(m0).toMatchObject({ balance: 100, tier: 'bronze', status: 'active', cards: ['290000000000'], lots: [{ remaining: 100 }] });

    // Nothing new: the last cursor gives an empty page and keeps its place.
    const empty = await pull(cursor);
    expect([empty.members.length, empty.more, empty.nextCursor]).toEqual([0, false, cursor]);
    // A change after the cursor comes back alone.
    const log = new EventLog(h.storeId);
    log.seq = 25;
    log.sale(members[3]!, { earn: 7 });
    expect((await h.request(t, 'POST', '/v1/events', { events: log.events })).status).toBe(200);
    const next = await pull(cursor);
    expect(next.members.map((m) => [m.id, m.balance])).toEqual([[members[3], 107]]);
    expect(next.terminalAppliedSeq).toBe(26);
  });

  it('reports terminalAppliedSeq with the page it belongs to', async () => {
    const page = await pull(undefined, 5000);
    const [row] = await h.db.query<{ applied_seq: number }>('SELECT applied_seq FROM terminals WHERE id = $1', [t.terminalId]);
    expect(page.terminalAppliedSeq).toBe(row!.applied_seq);
    const total = page.members.reduce((s, m) => s + m.balance, 0);
    const [sum] = await h.db.query<{ s: number }>('SELECT sum(points)::bigint AS s FROM ledger');
    expect(total).toBe(sum!.s);
  });

  it('refuses a cursor it did not give out and a bad limit', async () => {
    const bad = await h.request(t, 'GET', '/v1/changes?cursor=nonsense');
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    const limit = await h.request(t, 'GET', '/v1/changes?limit=999999');
    expect(limit).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION', details: { issues: [expect.objectContaining({ path: ['limit'] })] } },
    });
  });
});
