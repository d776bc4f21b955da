/**
 * The nth-purchase and referral bonuses at a till where the member has not shopped before,
 * end to end with the real server and tills of two stores: the pull brings each member's
 * purchases at every till (shared/sync-protocol.ts memberPurchasesSchema), the till counts
 * them with its own (main/backend/sales/member-state.ts), and the server, which counts every
 * till's purchases, applies the sale as sent.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { demoProgram } from '../fixtures/program.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import { openSyncTerminal, pair, sell, startSyncServer, type SyncServer, type SyncTerminal } from './sync-harness.ts';

const MINUTES_5 = 300_000;
const OTHER_STORE = 'store-2';
const clock = new ManualClock(SATURDAY);
let server: SyncServer;
let paris: SyncTerminal;
let lyon: SyncTerminal;

beforeAll(async () => {
  server = await startSyncServer(clock);
  await createStore(server.db, { id: OTHER_STORE, name: 'Lyon Part-Dieu', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now());
  paris = openSyncTerminal(clock);
  await pair(paris, server, 'Paris till');
  lyon = openSyncTerminal(clock, { backend: { storeId: OTHER_STORE } });
  const code = (await createPairingCode(server.db, { storeId: OTHER_STORE }, clock.now())).code;
  await lyon.call('sync.pair', { serverUrl: server.url, code, terminalName: 'Lyon till' }, await lyon.login('admin'));
}, 60_000);
afterAll(async () => {
  for (const t of [paris, lyon]) await t?.close().catch(() => undefined);
  await server?.close();
});

async function syncAll(...tills: SyncTerminal[]) {
  for (const t of tills) expect((await t.backend.sync.syncNow()).state).toBe('online');
}
const statusOf = async (saleId: string) =>
  (
    await server.db.query<{ status: string }>(
      "SELECT status FROM applied_events WHERE kind = 'sale.committed' AND payload->>'saleId' = $1",
      [saleId],
    )
  )[0]?.status;

test('n−1 purchases at one till, the nth at another store’s till after its pull: the bonus is given there and applied as sent', async () => {
  const { n, points } = demoProgram.bonuses.nthPurchase!;
  const member = await paris.enrol(await paris.login('manager'));
  for (let i = 0; i < n - 1; i++) {
    clock.advance(MINUTES_5);
    const sale = await sell(paris, await paris.login('cashier'), member.id, 1_000);
    expect(sale.bonuses.map((b) => b.kind)).toEqual([]);
  }
  await syncAll(paris, lyon);

  clock.advance(MINUTES_5);
  const lyonCashier = await lyon.login('cashier');
  const sale = await sell(lyon, lyonCashier, member.id, 1_000);
  expect(sale.bonuses).toEqual([expect.objectContaining({ kind: 'nth_purchase', memberId: member.id, points })]);
  await syncAll(lyon);
  expect(await statusOf(sale.saleId)).toBe('applied');
  // The next purchase at Lyon starts a new streak (its own last bonus), at Paris the streak is Paris's: no second bonus at Lyon.
  clock.advance(MINUTES_5);
  expect((await sell(lyon, lyonCashier, member.id, 1_000)).bonuses).toEqual([]);
  await syncAll(lyon);
});

test('a referred member who bought at one till gets no first-purchase referral bonus at another', async () => {
  const manager = await lyon.login('manager');
  const referrer = await lyon.enrol(manager, { cardNumber: 'REFERRER-1' });
  const referred = await lyon.enrol(manager, { referrerCard: 'REFERRER-1' });
  await syncAll(lyon, paris);
  // Its first purchase is at Paris (which does not know of the referral: no bonus there either).
  clock.advance(MINUTES_5);
  await sell(paris, await paris.login('cashier'), referred.id, 1_000);
  const lyonCashier = await lyon.login('cashier');
  const preview = () =>
    lyon.call(
      'sale.preview',
      { memberId: referred.id, lines: [{ category: 'bakery', amountMinor: 1_000 }], redemption: null },
      lyonCashier,
    );
  // Before Lyon hears of it, Lyon would count this its first purchase.
  expect((await preview()).bonuses.map((b) => b.kind).sort()).toEqual(['referral_referee', 'referral_referrer']);
  await syncAll(paris, lyon);
  expect((await preview()).bonuses).toEqual([]);
  clock.advance(MINUTES_5);
  const sale = await sell(lyon, lyonCashier, referred.id, 1_000);
  expect(sale.bonuses).toEqual([]);
  await syncAll(lyon);
  expect(await statusOf(sale.saleId)).toBe('applied');
  expect((await server.balances()).get(referrer.id)!.balance).toBe(demoProgram.bonuses.enrolment);
});
