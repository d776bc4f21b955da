import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0010 on a database holding 0009 members, entries and lots: every member gains the
// month and day of birth, an opening of 0 (what it held is in its ledger already), lots keep
// their entries while an opening lot may have none, and only held names are in the name index.
test('birthday for every member, an opening beside the ledger, lots with optional entries, only held names indexed; schema version 10', () => {
  const dir = tempDir();
  const db = new Database(join(dir.path, 't.sqlite'));
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations().slice(0, 9));
    const M = '0195a0c0-0000-7000-8000-00000000000a';
    db.exec(`
      INSERT INTO members (id, name, name_key, birth_date, status, tier, enrolled_store, enrolled_at, consent_marketing, balance, updated_at)
        VALUES ('${M}', 'Ann Müller', 'ann muller', '1990-07-14', 'active', 'bronze', 's1', 1, 0, 30, 1);
      INSERT INTO ledger (id, member_id, kind, points, reason, created_at) VALUES (1, '${M}', 'sync', 30, 'balance from the loyalty server', 1);
      INSERT INTO point_lots (id, member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (1, '${M}', 1, 30, 30, 1, 99);`);

    migrate(db, loadMigrations().slice(0, 10));
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    expect(db.prepare('SELECT birthday, opening, balance FROM members').get()).toEqual({ birthday: '07-14', opening: 0, balance: 30 });
    expect(db.prepare('SELECT id, member_id, entry_id, remaining FROM point_lots').all()).toEqual([
      { id: 1, member_id: M, entry_id: 1, remaining: 30 },
    ]);
    // An opening lot has no entry; a lot naming a missing entry is still refused.
    const O = '0195a0c0-0000-7000-8000-00000000000b';
    db.exec(`INSERT INTO members (id, name, name_key, birthday, status, tier, enrolled_store, enrolled_at, consent_marketing, opening, balance, updated_at)
               VALUES ('${O}', '', '', '03-01', 'active', 'bronze', 's2', 1, 0, 50, 50, 1)`);
    db.prepare('INSERT INTO point_lots (member_id, points, remaining, earned_at, expires_at) VALUES (?, 50, 50, 2, 99)').run(O);
    expect(() =>
      db
        .prepare('INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (?, 77, 1, 1, 2, 99)')
        .run(O),
    ).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE members SET birthday = '1990-03-01' WHERE id = ?").run(O)).toThrow(/CHECK/);
    // Names: the held one is found by any word; a member without personal data is not in the index at all.
    const found = (q: string) => db.prepare('SELECT rowid FROM members_name_fts WHERE members_name_fts MATCH ?').pluck().all(q);
    expect(found('"muller"*')).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM members_name_fts_docsize').pluck().get()).toBe(1);
    db.prepare("UPDATE members SET name = 'Otto Neu' WHERE id = ?").run(O);
    expect(found('"neu"*')).toHaveLength(1);
    db.prepare("UPDATE members SET name = '' WHERE id = ?").run(O);
    expect(found('"neu"*')).toHaveLength(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'members_name_key'").pluck().get()).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
    dir.remove();
  }
});
