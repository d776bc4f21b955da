/** The administration functions the CLI (and the demo seed) call: their refusals, in-process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProducts, importProgram, importStaff } from '../../server/admin/catalogue.ts';
import { listFlags } from '../../server/admin/flags.ts';
import { importMembers } from '../../server/admin/import-members.ts';
import { findMember } from '../../server/admin/members.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode, listTerminals, revokeTerminal } from '../../server/admin/terminals.ts';
import { parseDuration } from '../../server/cli/args.ts';
import { rotateSigningKey, publicKeys } from '../../server/tokens/signing-keys.ts';
import { demoProgram } from '../fixtures/program.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness } from './harness.ts';

usePostgresCluster();

describe.each(DRIVERS)('administration (%s)', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(driver);
  }, 60_000);
  afterAll(() => h?.close());

  it('refuses bad input with a clear message', async () => {
    await expect(createStore(h.db, { id: h.storeId, name: 'Again', timeZone: 'Europe/Paris', currency: 'EUR' }, T0)).rejects.toThrow(
      /already exists/,
    );
    await expect(createPairingCode(h.db, { storeId: 'nowhere' }, T0)).rejects.toThrow(/No store nowhere/);
    expect(() => parseDuration('soon', '--ttl')).toThrow(/duration/);
    expect(parseDuration('24h', '--ttl')).toBe(86_400_000);
    await importProgram(h.db, demoProgram, T0);
    await expect(importProgram(h.db, demoProgram, T0)).rejects.toThrow(/not newer/);
    await expect(importProgram(h.db, { ...demoProgram, version: 2, currency: 'euros' }, T0)).rejects.toThrow(/currency/);
    await expect(importStaff(h.db, [{ id: 's1', name: 'Sam', role: 'boss', pin: '1' }])).rejects.toThrow(/role[\s\S]*pin|pin[\s\S]*role/);
    await expect(importProducts(h.db, [{ sku: 'A', name: 'Apple', category: 'fruit', priceMinor: -1 }])).rejects.toThrow(/priceMinor/);
    await expect(findMember(h.db, 'nobody')).rejects.toThrow(/No member/);
    await expect(listFlags(h.db, 'weird')).rejects.toThrow(/Unknown flag kind/);
    await expect(revokeTerminal(h.db, 'not-an-id', T0)).rejects.toThrow(/UUID/);
  });

  it('lists and revokes terminals, and rotates keys keeping the old ones', async () => {
    const t = await h.pair();
    expect((await listTerminals(h.db)).map((x) => x.id)).toContain(t.terminalId);
    expect((await listTerminals(h.db)).find((x) => x.id === t.terminalId)?.protocolVersion).toBe(2);
    const old = await h.pairLegacy('Old till');
    expect((await listTerminals(h.db)).find((x) => x.id === old.terminalId)?.protocolVersion).toBe(1);
    await revokeTerminal(h.db, t.terminalId, T0);
    expect((await listTerminals(h.db)).find((x) => x.id === t.terminalId)?.revokedAt).toBe(T0);
    const before = (await publicKeys(h.db)).length;
    const { kid } = await rotateSigningKey(h.db, T0);
    const keys = await publicKeys(h.db);
    expect(keys.length).toBe(before + 1);
    expect(keys.at(-1)).toMatchObject({ kid, revoked: false });
  });

  it('imports members with opening balances that terminals pull as balance, lot and card', async () => {
    const id = '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const member = {
      id,
      name: 'Imported Ida',
      phone: '+4915100000001',
      cardNumber: '2900000000000015',
      enrolledStore: h.storeId,
      points: 750,
    };
    await expect(importMembers(h.db, [member, { ...member, id: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c' }], T0)).rejects.toThrow(
      /card numbers must be unique/,
    );
    await expect(importMembers(h.db, [{ ...member, points: -1 }], T0)).rejects.toThrow(/points/);
    expect(await importMembers(h.db, [member], T0)).toEqual({ count: 1 });
    await expect(importMembers(h.db, [member], T0)).rejects.toThrow(/exist already: nothing was imported/);
    const t = await h.pair('import-check');
    const page = (await h.request(t, 'GET', '/v1/changes?limit=5000')).body as {
      members: { id: string; balance: number; lots: { remaining: number }[]; cards: string[]; status: string }[];
    };
    expect(page.members.find((m) => m.id === id)).toMatchObject({
      balance: 750,
      lots: [{ remaining: 750 }],
      cards: ['2900000000000015'],
      status: 'active',
    });
    expect(await findMember(h.db, '2900000000000015')).toMatchObject({ id });
  });
});
