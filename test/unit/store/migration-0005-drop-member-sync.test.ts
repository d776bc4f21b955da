import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0005 on a database holding 0004 data: member_sync goes, the members and their points stay.
test('drops member_sync and nothing else; foreign keys hold; schema version 5', () => {
  const dir = tempDir();
  const db = new Database(join(dir.path, 't.sqlite'));
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations().slice(0, 4));
    const M = '0195a0c0-0000-7000-8000-00000000000a';
    db.exec(`
      INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, balance, updated_at)
        VALUES ('${M}', 'Ann', 'ann', 'active', 'bronze', 's1', 1, 0, 40, 1);
      INSERT INTO ledger (id, member_id, kind, points, reason, created_at) VALUES (1, '${M}', 'sync', 40, 'balance from the loyalty server', 1);
      INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES ('${M}', 1, 40, 40, 1, 9);
      INSERT INTO member_sync (member_id, server_balance, applied_seq, pulled_at) VALUES ('${M}', 40, 0, 1);`);
    const tables = () => db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const before = tables();

    migrate(db, loadMigrations().slice(0, 5));
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(tables()).toEqual(before.filter((t) => t !== 'member_sync'));
    expect(db.prepare('SELECT balance FROM members').pluck().get()).toBe(40);
    expect(db.prepare('SELECT sum(points) FROM ledger').pluck().get()).toBe(40);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  } finally {
    db.close();
    dir.remove();
  }
});
