/**
 * Least data on every till (docs/privacy.md), end to end with the real server and two
 * tills of two stores: a till holds every member's identifying and pricing data, but
 * personal data only for its store's scope; a member of another store scanned here is
 * found and sold to, and enters this store's scope once the sale syncs; leaving the
 * scope, assignment, erasure and the programme's scope setting reach the till at its
 * next pull; a till never receives another store's staff.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { importMembers } from '../../server/admin/import-members.ts';
import { importProgram, importStaff } from '../../server/admin/catalogue.ts';
import { eraseMember } from '../../server/admin/member-privacy.ts';
import { assignMemberToStore } from '../../server/admin/member-stores.ts';
import { createStore } from '../../server/admin/stores.ts';
import { parseArgs } from '../../server/cli/args.ts';
import { COMMANDS } from '../../server/cli/commands.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { demoProgram } from '../fixtures/program.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import { openSyncTerminal, pair, sell, startSyncServer, STORE_ID, type SyncServer, type SyncTerminal } from './sync-harness.ts';

const DAY = 86_400_000;
const OTHER_STORE = 'store-2';
const clock = new ManualClock(SATURDAY);
let server: SyncServer;
const open: SyncTerminal[] = [];

const HOME = Array.from({ length: 4 }, (_, i) => ({
  id: randomUUID(),
  name: `Héloïse Home-${i} Martin`,
  phone: `+33 6 12 34 56 0${i}`,
  email: `home${i}@example.com`,
  birthDate: `1990-0${i + 1}-1${i}`,
  cardNumber: `HOME-CARD-${i}`,
  enrolledStore: STORE_ID,
  points: 100 + i,
}));
const AWAY = Array.from({ length: 4 }, (_, i) => ({
  id: randomUUID(),
  name: `Bastien Away-${i} Durand`,
  phone: `+33 7 98 76 54 0${i}`,
  email: `away${i}@example.com`,
  birthDate: `1985-1${i % 3}-0${i + 1}`,
  cardNumber: `AWAY-CARD-${i}`,
  enrolledStore: OTHER_STORE,
  points: 200 + i,
}));

beforeAll(async () => {
  server = await startSyncServer(clock);
  await createStore(server.db, { id: OTHER_STORE, name: 'Lyon Part-Dieu', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now());
  await importMembers(server.db, [...HOME, ...AWAY], clock.now());
  await importStaff(server.db, [
    { id: 'lyon-manager', name: 'Léa Lyon', role: 'manager', pin: '135790', storeId: OTHER_STORE },
    { id: 'hq-admin', name: 'Hélène Siège', role: 'admin', pin: '246802' },
  ]);
}, 60_000);
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await server?.close();
});

interface HeldRow {
  name: string;
  phone: string | null;
  email: string | null;
  birth_date: string | null;
  birthday: string | null;
  balance: number;
}
const held = (t: SyncTerminal, id: string) =>
  t.backend.store.db.prepare('SELECT name, phone, email, birth_date, birthday, balance FROM members WHERE id = ?').get(id) as
    HeldRow | undefined;
const hasPersonal = (t: SyncTerminal, id: string) => {
  const row = held(t, id)!;
  return row.name !== '' || row.phone !== null || row.email !== null || row.birth_date !== null;
};
/** Every byte of the till's database file (and its WAL): personal data must not be anywhere in it. */
const fileText = (t: SyncTerminal) => {
  t.backend.store.db.pragma('wal_checkpoint(TRUNCATE)');
  return t.backend.store.db.serialize().toString('latin1');
};

async function syncAll(...tills: SyncTerminal[]) {
  for (const t of tills) expect((await t.backend.sync.syncNow()).state).toBe('online');
}

test('a till holds personal data for its store scope only, finds and sells to anyone, and follows the scope as it moves', async () => {
  const paris = openSyncTerminal(clock);
  open.push(paris);
  await pair(paris, server, 'Paris till');
  await syncAll(paris);

  // Every member of the chain is there, with cards, points and birthday month and day...
  for (const m of [...HOME, ...AWAY]) {
    expect(held(paris, m.id)).toMatchObject({ balance: m.points, birthday: m.birthDate.slice(5) });
    expect((await paris.call('member.byCard', { card: m.cardNumber }, await paris.login('cashier'))).id).toBe(m.id);
  }
  // ...but personal data only for the store's own members: not a byte of the others' in the file.
  for (const m of HOME) expect(hasPersonal(paris, m.id)).toBe(true);
  for (const m of AWAY) expect(held(paris, m.id)).toMatchObject({ name: '', phone: null, email: null, birth_date: null });
  const text = fileText(paris);
  for (const m of AWAY) for (const s of [m.name.split(' ')[1]!, m.email, m.birthDate, '7987654']) expect(text).not.toContain(s);
  // A till never receives another store's staff, nor head-office staff not assigned to its store.
  const staffIds = paris.backend.store.db.prepare('SELECT id FROM staff').pluck().all();
  expect(staffIds).not.toContain('lyon-manager');
  expect(staffIds).not.toContain('hq-admin');
  expect(text).not.toContain('Léa Lyon');

  // A member of the other store is scanned here: shown without a name, by the card's last digits, and sold to.
  const cashier = await paris.login('cashier');
  const visitor = AWAY[0]!;
  const shown = await paris.call('member.byCard', { card: visitor.cardNumber }, cashier);
  expect(shown).toMatchObject({ name: null, phone: null, cardHint: 'RD-0', balance: visitor.points });
  const sale = await sell(paris, cashier, visitor.id, 2_000);
  expect(sale.pointsAwarded).toBeGreaterThan(0);
  // The sale syncs: the visitor is now in Paris's scope, and the next pull brings the personal data.
  await syncAll(paris, paris);
  expect(held(paris, visitor.id)).toMatchObject({ name: visitor.name, email: visitor.email, birth_date: visitor.birthDate });
  expect((await paris.call('member.search', { namePrefix: 'bastien durand' }, cashier)).members.map((m) => m.id)).toEqual([visitor.id]);
  // Not the others of that store.
  for (const m of AWAY.slice(1)) expect(hasPersonal(paris, m.id)).toBe(false);

  // An assignment brings a member into the scope; withdrawing it takes the member out again.
  await assignMemberToStore(server.db, AWAY[1]!.id, STORE_ID, true);
  await syncAll(paris);
  expect(held(paris, AWAY[1]!.id)!.name).toBe(AWAY[1]!.name);
  // Withdrawn with the admin command, the member found by card.
  const out: string[] = [];
  await COMMANDS['assign-member']!.run(
    parseArgs(['assign-member', AWAY[1]!.cardNumber, '--store', STORE_ID, '--remove']),
    { db: server.db, now: clock.now(), out: (l) => out.push(l) },
    undefined,
  );
  expect(out).toEqual([`Member ${AWAY[1]!.id} no longer assigned to ${STORE_ID}.`]);
  await syncAll(paris);
  expect(hasPersonal(paris, AWAY[1]!.id)).toBe(false);

  // Erasure on the server reaches the till at its next pull; the points and cards stay.
  const erased = HOME[0]!;
  await eraseMember(server.db, erased.id, 'Data protection officer', clock.now());
  await syncAll(paris);
  expect(held(paris, erased.id)).toMatchObject({
    name: '',
    phone: null,
    email: null,
    birth_date: null,
    birthday: null,
    balance: erased.points,
  });
  expect((await paris.call('member.byCard', { card: erased.cardNumber }, cashier)).id).toBe(erased.id);
  expect((await paris.call('member.search', { namePrefix: 'home-0' }, cashier)).members).toEqual([]);
  // Gone from the file itself, not only from the rows: freed space is overwritten (secure_delete).
  const after = fileText(paris);
  for (const s of ['Home-0', erased.email, erased.birthDate]) expect(after).not.toContain(s);

  // A year and a day without a visit: the maintenance pass forgets the sighting, the till drops the visitor's data.
  clock.advance(366 * DAY);
  await server.server.maintain();
  await syncAll(paris);
  expect(hasPersonal(paris, visitor.id)).toBe(false);
  expect(fileText(paris)).not.toContain(visitor.email);
  expect((await paris.call('member.byCard', { card: visitor.cardNumber }, await paris.login('cashier'))).id).toBe(visitor.id); // still found by card
  for (const m of HOME.slice(1)) expect(hasPersonal(paris, m.id)).toBe(true); // enrolled here: always in scope
});

test("the programme's scope setting: 'none' leaves every till without personal data, 'all' gives every till everyone's", async () => {
  const lyonCode = (await createPairingCode(server.db, { storeId: OTHER_STORE }, clock.now())).code;
  const lyon = openSyncTerminal(clock, { backend: { storeId: OTHER_STORE } });
  open.push(lyon);
  const admin = await lyon.login('admin');
  await lyon.call('sync.pair', { serverUrl: server.url, code: lyonCode, terminalName: 'Lyon till' }, admin);
  await syncAll(lyon);
  for (const m of AWAY) expect(hasPersonal(lyon, m.id)).toBe(true);
  for (const m of HOME.slice(1)) expect(hasPersonal(lyon, m.id)).toBe(false);
  // The Lyon till gets Lyon's manager (not Paris's staff).
  expect(lyon.backend.store.db.prepare("SELECT count(*) FROM staff WHERE id = 'lyon-manager' AND active = 1").pluck().get()).toBe(1);

  let version = 2;
  const setScope = async (personalDataScope: 'all' | 'store' | 'none') => {
    await importProgram(server.db, { ...demoProgram, version: version++, privacy: { personalDataScope } }, clock.now());
    await syncAll(lyon);
  };
  await setScope('none');
  for (const m of [...HOME, ...AWAY]) expect(hasPersonal(lyon, m.id)).toBe(false);
  await setScope('all');
  for (const m of [...HOME.slice(1), ...AWAY]) expect(hasPersonal(lyon, m.id)).toBe(true);
  await setScope('store');
  for (const m of AWAY) expect(hasPersonal(lyon, m.id)).toBe(true);
  for (const m of HOME.slice(1)) expect(hasPersonal(lyon, m.id)).toBe(false);
});

test('a member enrolled at a till is in its store scope from the first moment, and its data never reaches the other store', async () => {
  const paris = open[0]!;
  const lyon = open[1]!;
  const manager = await paris.login('manager');
  const member = await paris.enrol(manager, { name: 'Zoé Nouvelle', phone: '+33 6 55 44 33 22' });
  await syncAll(paris, lyon);
  expect(held(paris, member.id)!.name).toBe('Zoé Nouvelle');
  expect(held(lyon, member.id)).toMatchObject({ name: '', phone: null });
  expect(fileText(lyon)).not.toContain('Nouvelle');
});
