import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0008 on a database holding 0007 members: every existing member is in the name index at
// once (any word, by prefix, accents and case folded), and inserts, renames and deletes after it keep
// the index in step (its triggers); a sale's update of a member does not touch it.
test('indexes the names of existing members and keeps the index in step with inserts, renames and deletes; schema version 8', () => {
  const dir = tempDir();
  const db = new Database(join(dir.path, 't.sqlite'));
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations().slice(0, 7));
    const insert = db.prepare(
      `INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, balance, updated_at)
       VALUES (?, ?, ?, 'active', 'bronze', 's1', 1, 0, 0, 1)`,
    );
    insert.run('m1', 'Jürgen Müller', 'jurgen muller');
    insert.run('m2', 'Daniel Koch', 'daniel koch');
    insert.run('m3', 'Anna Koch-Weber', 'anna koch-weber');
    insert.run('m4', 'Élodie Martin', 'elodie martin');

    migrate(db, loadMigrations().slice(0, 8));
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    const find = (query: string) =>
      (
        db
          .prepare('SELECT m.id FROM members_name_fts f JOIN members m ON m.rowid = f.rowid WHERE members_name_fts MATCH ? ORDER BY m.id')
          .pluck()
          .all(query) as string[]
      ).join(',');
    expect(find('"muller"*')).toBe('m1');
    expect(find('"MÜL"*')).toBe('m1');
    expect(find('"koch"*')).toBe('m2,m3');
    expect(find('"weber"*')).toBe('m3');
    expect(find('"elo"* "mart"*')).toBe('m4');
    expect(find('"koch"* "d"*')).toBe('m2');

    insert.run('m5', 'Zoë Kochanski', 'zoe kochanski');
    expect(find('"koch"*')).toBe('m2,m3,m5');
    expect(find('"zoe"*')).toBe('m5');
    db.prepare("UPDATE members SET name = 'Daniel Schmidt', name_key = 'daniel schmidt' WHERE id = 'm2'").run();
    expect(find('"koch"*')).toBe('m3,m5');
    expect(find('"schmidt"*')).toBe('m2');
    // A sale updates the member's balance and tier, not the name: the index is not touched.
    db.prepare("UPDATE members SET balance = 50, tier = 'silver' WHERE id = 'm3'").run();
    expect(find('"weber"*')).toBe('m3');
    db.prepare("DELETE FROM members WHERE id = 'm4'").run();
    expect(find('"elodie"*')).toBe('');
    // The external-content index agrees with the table.
    db.prepare("INSERT INTO members_name_fts (members_name_fts) VALUES ('integrity-check')").run();
    expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(4);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  } finally {
    db.close();
    dir.remove();
  }
});
