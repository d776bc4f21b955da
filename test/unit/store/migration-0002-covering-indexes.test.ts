import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0002 on a database that already holds data from 0001: the data stays,
// and the checkout's per-member queries are answered from the indexes alone.
let dir: { path: string; remove(): void };
let db: Database.Database;
beforeEach(() => {
  dir = tempDir();
  db = new Database(join(dir.path, 't.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, loadMigrations().slice(0, 1));
  db.prepare(
    `INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, updated_at)
     VALUES ('m1', 'Ann', 'ann', 'active', 'bronze', 's1', 1, 0, 1)`,
  ).run();
  db.prepare("INSERT INTO staff (id, name, role, pin_hash, updated_at) VALUES ('s', 'S', 'cashier', 'x', 1)").run();
  db.prepare(
    `INSERT INTO sales (id, member_id, staff_id, store_id, program_version, created_at, total_minor, discount_minor, paid_minor,
       points_earned, points_redeemed, status, result) VALUES ('sale1', 'm1', 's', 's1', 1, 5, 1000, 0, 1000, 10, 0, 'completed', '{}')`,
  ).run();
  for (let i = 1; i <= 3; i++) {
    db.prepare(
      "INSERT INTO ledger (member_id, kind, points, qualifying, sale_id, reason, created_at) VALUES ('m1', 'earn', 10, 10, 'sale1', 'earn', ?)",
    ).run(i);
    db.prepare('INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (?, ?, 10, ?, ?, ?)').run(
      'm1',
      i,
      i === 1 ? 0 : 10,
      i,
      100 + i,
    );
  }
  migrate(db, loadMigrations().slice(0, 2));
});
afterEach(() => {
  db.close();
  dir.remove();
});

const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

test('keeps every row and sets the schema version', () => {
  expect(db.pragma('user_version', { simple: true })).toBe(2);
  expect(db.prepare('SELECT sum(points), sum(qualifying) FROM ledger').get()).toEqual({ 'sum(points)': 30, 'sum(qualifying)': 30 });
  expect(
    db
      .prepare('SELECT id, remaining FROM point_lots WHERE member_id = ? AND remaining > 0 AND expires_at > ? ORDER BY expires_at, id')
      .all('m1', 0),
  ).toEqual([
    { id: 2, remaining: 10 },
    { id: 3, remaining: 10 },
  ]);
  expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
});

test('qualifying points, live lots and purchases are read from covering indexes', () => {
  expect(plan("SELECT coalesce(sum(qualifying), 0) FROM ledger WHERE member_id = 'm1' AND created_at > 0")).toMatch(
    /USING COVERING INDEX ledger_member_time/,
  );
  expect(
    plan(
      "SELECT id, entry_id, remaining, earned_at, expires_at FROM point_lots WHERE member_id = 'm1' AND remaining > 0 AND expires_at > 0 ORDER BY expires_at, id",
    ),
  ).toMatch(/USING COVERING INDEX point_lots_live/);
  expect(plan("SELECT count(*) FROM sales WHERE member_id = 'm1' AND status = 'completed' AND points_earned > 0")).toMatch(
    /USING COVERING INDEX sales_member_time/,
  );
});
