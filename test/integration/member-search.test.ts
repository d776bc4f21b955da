/**
 * Find member on a German store's terminal: a phone in any format the store's customers give it,
 * names by any word and prefix, accent- and case-blind, "capped" past 20, and the duplicate
 * warning asked before enrolment, every read through an index. With the real server: the offline
 * search finds only members this till holds personal data of (its store's), the online search
 * (member.searchOnline) reaches the chain's, and the full history comes from the server when it
 * answers, else from this till.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { phoneCountry, phoneSearchKeys } from '../../main/backend/members/phone-number.ts';
import { importMembers } from '../../server/admin/import-members.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createTestTerminal, SATURDAY, type TestTerminal } from '../helpers/terminal.ts';
import { openSyncTerminal, pair, startSyncServer, STORE_ID, type SyncServer, type SyncTerminal } from './sync-harness.ts';

let t: TestTerminal;
afterEach(() => t?.close());

const german = () => createTestTerminal({ terminal: { locale: 'de-DE' } });

describe('phone numbers', () => {
  test('the store country comes from the override, else the locale', () => {
    expect(phoneCountry('de-DE')).toBe('DE');
    expect(phoneCountry('de')).toBe('DE');
    expect(phoneCountry('en-GB')).toBe('GB');
    expect(phoneCountry('de-DE', 'at')).toBe('AT');
    expect(phoneCountry('de-DE', 'XX')).toBe('DE');
  });

  test('national, international and 00 forms read as the same digits', () => {
    for (const typed of ['0151 0100 0003', '0151-0100-0003', '(0151) 01000003', '+49 151 01000003', '+4915101000003', '0049 151 01000003'])
      expect(phoneSearchKeys(typed, 'DE')[0], typed).toBe('4915101000003');
    // The start of a number, as the cashier types it.
    expect(phoneSearchKeys('0151 01', 'DE')[0]).toBe('4915101');
    // Digits with the country code and no '+' (what the old search wanted) are tried as they are too.
    expect(phoneSearchKeys('4915101000003', 'DE')).toContain('4915101000003');
    // And national digits as typed: numbers older versions stored that way are still found.
    expect(phoneSearchKeys('0151 0100 0003', 'DE')).toEqual(['4915101000003', '015101000003']);
  });

  test('a member enrolled with a national number is found by every format, and stored as the international number', () => {
    t = german();
    const manager = t.login('manager');
    const cashier = t.login('cashier');
    const member = t.enrol(manager, { name: 'Jürgen Müller', phone: '0151 0100 0003' });
    t.enrol(manager, { name: 'Other Person', phone: '+49 160 5550001' });
    const stored = t.backend.store.db.prepare('SELECT phone FROM members WHERE id = ?').pluck().get(member.id);
    expect(stored).toBe('4915101000003');
    for (const phonePrefix of [
      '0151 0100 0003',
      '01510100',
      '+49 151 01000003',
      '0049 151 01000003',
      '0049151',
      '4915101000003',
      '+49151',
    ]) {
      const found = t.call('member.search', { phonePrefix }, cashier);
      expect(
        found.members.map((m) => m.name),
        phonePrefix,
      ).toEqual(['Jürgen Müller']);
      expect(found.capped).toBe(false);
    }
    expect(t.call('member.search', { phonePrefix: '0170' }, cashier).members).toEqual([]);
  });
});

describe('names', () => {
  test('any word, by prefix, accent- and case-blind, words in any order', () => {
    t = german();
    const manager = t.login('manager');
    const cashier = t.login('cashier');
    for (const name of ['Jürgen Müller', 'Daniel Koch', 'Anna Koch-Weber', 'Dora Kochanski', 'Élodie Martin', 'Max Mustermann'])
      t.enrol(manager, { name });
    const names = (namePrefix: string) =>
      t
        .call('member.search', { namePrefix }, cashier)
        .members.map((m) => m.name)
        .sort();
    expect(names('Müller')).toEqual(['Jürgen Müller']);
    expect(names('muller')).toEqual(['Jürgen Müller']);
    expect(names('MÜL')).toEqual(['Jürgen Müller']);
    expect(names('Koch D')).toEqual(['Daniel Koch', 'Dora Kochanski']);
    expect(names('d koch')).toEqual(['Daniel Koch', 'Dora Kochanski']);
    expect(names('Koch')).toEqual(['Anna Koch-Weber', 'Daniel Koch', 'Dora Kochanski']);
    expect(names('weber')).toEqual(['Anna Koch-Weber']);
    expect(names('elodie martin')).toEqual(['Élodie Martin']);
    expect(names('martin')).toEqual(['Élodie Martin']);
    // Query syntax is text, never an FTS operator.
    expect(names('"Koch*" (')).toEqual(['Anna Koch-Weber', 'Daniel Koch', 'Dora Kochanski']);
    expect(names('Koch Z')).toEqual([]);
  });

  test('more than 20 matches: 20 shown and capped; exactly 20: not capped', () => {
    t = german();
    const manager = t.login('manager');
    const cashier = t.login('cashier');
    for (let i = 0; i < 20; i++) t.enrol(manager, { name: `Schmidt ${String.fromCharCode(65 + i)}` });
    const twenty = t.call('member.search', { namePrefix: 'schmidt' }, cashier);
    expect([twenty.members.length, twenty.capped]).toEqual([20, false]);
    t.enrol(manager, { name: 'Zora Schmidt' });
    const more = t.call('member.search', { namePrefix: 'schmidt' }, cashier);
    expect([more.members.length, more.capped]).toEqual([20, true]);
  });

  test('a renamed member is found by the new name only (the name index follows the row)', () => {
    t = german();
    const manager = t.login('manager');
    const cashier = t.login('cashier');
    const member = t.enrol(manager, { name: 'Petra Alt' });
    t.backend.store.db.prepare("UPDATE members SET name = 'Petra Neu', name_key = 'petra neu' WHERE id = ?").run(member.id);
    expect(t.call('member.search', { namePrefix: 'alt' }, cashier).members).toEqual([]);
    expect(t.call('member.search', { namePrefix: 'neu' }, cashier).members.map((m) => m.id)).toEqual([member.id]);
  });

  test('the search reads the name index and the members by rowid, never the whole table', () => {
    t = german();
    const db = t.backend.store.db;
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('"koch"*', '% d%', 21) as { detail: string }[]).map((r) => r.detail).join('\n');
    const byWords = plan(
      `SELECT m.id FROM members_name_fts f JOIN members m ON m.rowid = f.rowid WHERE members_name_fts MATCH ? AND (' ' || replace(m.name_key, '-', ' ')) LIKE ? LIMIT ?`,
    );
    expect(byWords).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
    expect(byWords).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(byWords).not.toMatch(/SCAN m\b/);
  });
});

describe('duplicates before enrolment', () => {
  test('the same phone in another format, or the same e-mail in another case, is reported before anything is written', () => {
    t = german();
    const manager = t.login('manager');
    const first = t.enrol(manager, { name: 'Anna Schulz', phone: '+49 151 01000003', email: 'Anna.Schulz@Example.de' });
    const members = () => t.backend.store.db.prepare('SELECT count(*) FROM members').pluck().get();
    const before = members();
    expect(t.call('member.duplicates', { phone: '0151 0100 0003' }, manager).members.map((m) => m.id)).toEqual([first.id]);
    expect(t.call('member.duplicates', { phone: '0049151 01000003', email: null }, manager).members.map((m) => m.id)).toEqual([first.id]);
    expect(t.call('member.duplicates', { email: 'anna.schulz@example.DE' }, manager).members.map((m) => m.id)).toEqual([first.id]);
    expect(t.call('member.duplicates', { phone: '0151 0100 0004', email: 'someone@example.de' }, manager).members).toEqual([]);
    expect(members()).toBe(before);
    // A cashier may not ask (enrolment is a manager's).
    expect(t.fail('member.duplicates', { phone: '0151 0100 0003' }, t.login('cashier')).code).toBe('FORBIDDEN');
    // Enrolling anyway still reports it, and both members stay.
    const twin = t.call('member.enrol', { memberId: uuidv7(), name: 'Anna S.', phone: '01510100 0003', consentMarketing: false }, manager);
    expect(twin.duplicates.map((d) => d.id)).toEqual([first.id]);
  });
});

describe('the store scope, online search and full history (real server)', () => {
  const clock = new ManualClock(SATURDAY);
  let server: SyncServer;
  let till: SyncTerminal;
  let serverUp = false;
  const home = { id: randomUUID(), name: 'Héloïse Martin-Dubois', phone: '+33 6 12 34 56 01', cardNumber: 'HOME-CARD-1' };
  const away = { id: randomUUID(), name: 'Bastien Durand', phone: '+33 7 98 76 54 02', cardNumber: 'AWAY-CARD-7' };

  beforeAll(async () => {
    server = await startSyncServer(clock);
    await createStore(server.db, { id: 'store-2', name: 'Lyon Part-Dieu', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now());
    await importMembers(
      server.db,
      [
        { ...home, enrolledStore: STORE_ID, points: 120 },
        { ...away, enrolledStore: 'store-2', points: 300, email: 'bastien@example.org' },
      ],
      clock.now(),
    );
    serverUp = true;
    till = openSyncTerminal(clock, { backend: { terminal: { locale: 'fr-FR' } } });
    await pair(till, server, 'Paris till');
    expect((await till.backend.sync.syncNow()).state).toBe('online');
  }, 60_000);
  afterAll(async () => {
    await till?.close();
    if (serverUp) await server.close();
  });

  test("offline search finds the store's member by any phone format and any name word, never another store's", async () => {
    const cashier = await till.login('cashier');
    const ids = async (input: { phonePrefix: string } | { namePrefix: string }) =>
      (await till.call('member.search', input, cashier)).members.map((m) => m.id);
    for (const phonePrefix of ['06 12 34 56 01', '+33 6 12 34', '0033 612', '06-12-34', '(06) 12 34 56 01'])
      expect(await ids({ phonePrefix }), phonePrefix).toEqual([home.id]);
    for (const namePrefix of ['heloise', 'Héloïse', 'dubois', 'MARTIN', 'dub hel'])
      expect(await ids({ namePrefix }), namePrefix).toEqual([home.id]);
    // Held without personal data: neither its name nor its phone finds the other store's member here.
    for (const namePrefix of ['bastien', 'durand']) expect(await ids({ namePrefix }), namePrefix).toEqual([]);
    for (const phonePrefix of ['07 98 76', '+33 7 98 76 54 02']) expect(await ids({ phonePrefix }), phonePrefix).toEqual([]);
    // The card still does (every member is held by id and card): shown by the card's last digits.
    expect(await till.call('member.byCard', { card: away.cardNumber }, cashier)).toMatchObject({ name: null, cardHint: 'RD-7' });
  });

  test("online search reaches the other store's member, labelled and masked; a member the till does not hold yet says so", async () => {
    const cashier = await till.login('cashier');
    for (const query of ['bastien', 'durand b', '07 98 76 54', '+33 7 98 76']) {
      const answer = await till.call('member.searchOnline', { query }, cashier);
      expect(answer, query).toEqual({
        outcome: 'found',
        capped: false,
        members: [
          {
            id: away.id,
            name: 'Bastien Durand',
            phoneMasked: '••• ••• •02',
            tier: expect.any(String),
            tierLabel: expect.any(String),
            status: 'active',
            cardHint: 'RD-7',
            enrolledStoreName: 'Lyon Part-Dieu',
            inStore: false,
            heldHere: true,
          },
        ],
      });
    }
    // The till's own member is found online too, marked as of this store.
    const own = await till.call('member.searchOnline', { query: 'dubois' }, cashier);
    expect(own).toMatchObject({ outcome: 'found', members: [{ id: home.id, inStore: true, heldHere: true }] });
    // Too short for the server: not sent.
    expect(await till.call('member.searchOnline', { query: 'du' }, cashier)).toEqual({ outcome: 'unavailable', reason: 'too_short' });
    // Enrolled on the server after the till's last pull: found, but not held here yet.
    const late = randomUUID();
    await importMembers(server.db, [{ id: late, name: 'Zacharie Tardif', phone: null, enrolledStore: 'store-2' }], clock.now());
    expect(await till.call('member.searchOnline', { query: 'tardif' }, cashier)).toMatchObject({
      outcome: 'found',
      members: [{ id: late, heldHere: false }],
    });
    // The query is never in the till's log.
    expect(till.logs.join('\n')).not.toMatch(/bastien|durand|tardif|07 98/i);
  });

  test("the full history comes from the server when it answers, else from this till's ledger, saying which", async () => {
    const cashier = await till.login('cashier');
    const online = await till.call('member.fullHistory', { memberId: away.id }, cashier);
    expect(online).toMatchObject({ source: 'server', unavailable: null, nextBefore: null });
    expect(online.entries).toEqual([expect.objectContaining({ kind: 'adjust', points: 300, category: 'adjustment', label: null })]);
    await server.close();
    serverUp = false;
    const offline = await till.call('member.fullHistory', { memberId: away.id }, cashier);
    expect(offline).toMatchObject({ source: 'till', unavailable: 'offline', nextBefore: null });
    expect(await till.call('member.searchOnline', { query: 'bastien' }, cashier)).toEqual({ outcome: 'unavailable', reason: 'offline' });
  });
});
