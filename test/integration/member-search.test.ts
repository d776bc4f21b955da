/**
 * Find member on a German store's terminal: a phone in any format the store's customers give it,
 * names by any word and prefix, accent- and case-blind, "capped" past 20, and the duplicate
 * warning asked before enrolment, every read through an index.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { phoneCountry, phoneSearchKeys } from '../../main/backend/members/phone-number.ts';
import { createTestTerminal, type TestTerminal } from '../helpers/terminal.ts';

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
