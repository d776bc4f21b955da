import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0007 on a database holding 0006 data: the sales made here stay (made here, nothing kept
// from expiry), and a sale of another till can be stored with the till's id and its points' expiry.
test('sales gain the till that made them, the expiry of their points and the expired points kept; rows and foreign keys hold; schema version 7', () => {
  const dir = tempDir();
  const db = new Database(join(dir.path, 't.sqlite'));
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations().slice(0, 6));
    const M = '0195a0c0-0000-7000-8000-00000000000a';
    const S = '0195a0c0-0000-7000-8000-0000000000b1';
    db.exec(`
      INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, balance, updated_at)
        VALUES ('${M}', 'Ann', 'ann', 'active', 'bronze', 's1', 1, 0, 12, 1);
      INSERT INTO staff (id, name, role, pin_hash, active, updated_at) VALUES ('mgr', 'Mo', 'manager', 'x', 1, 1);
      INSERT INTO sales (id, member_id, staff_id, store_id, program_version, created_at, total_minor, discount_minor, paid_minor,
          points_earned, points_redeemed, status, result)
        VALUES ('${S}', '${M}', 'mgr', 's1', 1, 5, 1200, 0, 1200, 12, 0, 'completed', '{}');
      INSERT INTO sale_lines (sale_id, line_no, sku, category, description, quantity, unit_price_minor, amount_minor, discount_minor,
          paid_minor, earn_points, redeemed_points) VALUES ('${S}', 1, NULL, 'bakery', 'Bakery', 1, 1200, 1200, 0, 1200, 12, 0);`);

    migrate(db, loadMigrations().slice(0, 7));
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare('SELECT origin_terminal_id, earn_expires_at, points_expired_kept, paid_minor FROM sales').get()).toEqual({
      origin_terminal_id: null,
      earn_expires_at: null,
      points_expired_kept: 0,
      paid_minor: 1200,
    });
    const other = '0195a0c0-0000-7000-8000-0000000000b2';
    db.prepare(
      `INSERT INTO sales (id, member_id, staff_id, store_id, program_version, created_at, total_minor, discount_minor, paid_minor,
         points_earned, points_redeemed, status, result, origin_terminal_id, earn_expires_at)
       VALUES (?, ?, 'mgr', 's1', 1, 6, 500, 0, 500, 5, 0, 'completed', '{}', ?, ?)`,
    ).run(other, M, '0195a0c0-0000-7000-8000-0000000000c1', 99);
    expect(db.prepare('SELECT origin_terminal_id, earn_expires_at FROM sales WHERE id = ?').get(other)).toEqual({
      origin_terminal_id: '0195a0c0-0000-7000-8000-0000000000c1',
      earn_expires_at: 99,
    });
    expect(() => db.prepare('UPDATE sales SET points_expired_kept = -1').run()).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM sale_lines').pluck().get()).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  } finally {
    db.close();
    dir.remove();
  }
});
