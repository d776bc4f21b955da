import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0010's last columns, on a database holding a 0009 member: the server's count of the
// member's purchases (0 until a pull sends it) and their newest times (NULL: none, or a JSON array).
test("members hold the server's purchase count and recent times, 0 and NULL until a pull brings them", () => {
  const dir = tempDir();
  const db = new Database(join(dir.path, 't.sqlite'));
  try {
    migrate(db, loadMigrations().slice(0, 9));
    const M = '0195a0c0-0000-7000-8000-00000000000a';
    db.exec(`INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, balance, updated_at)
               VALUES ('${M}', 'Ann', 'ann', 'active', 'bronze', 's1', 1, 0, 30, 1)`);
    migrate(db, loadMigrations().slice(0, 10));
    expect(db.prepare('SELECT server_purchases, server_recent FROM members').get()).toEqual({ server_purchases: 0, server_recent: null });
    db.prepare("UPDATE members SET server_purchases = 3, server_recent = '[300,200]' WHERE id = ?").run(M);
    expect(() => db.prepare('UPDATE members SET server_purchases = -1 WHERE id = ?').run(M)).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE members SET server_recent = '[300,' WHERE id = ?").run(M)).toThrow(/CHECK/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
    dir.remove();
  }
});
