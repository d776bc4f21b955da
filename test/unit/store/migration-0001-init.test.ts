import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0001 on its own, with data: the constraints that protect points hold.
let dir: { path: string; remove(): void };
let db: Database.Database;
beforeEach(() => {
  dir = tempDir();
  db = new Database(join(dir.path, 't.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, loadMigrations().slice(0, 1));
  db.prepare(
    `INSERT INTO members (id, name, name_key, phone, status, tier, enrolled_store, enrolled_at, consent_marketing, updated_at)
     VALUES ('m1', 'Ann', 'ann', '3361234', 'active', 'bronze', 's1', 1, 0, 1)`,
  ).run();
  db.prepare("INSERT INTO member_cards VALUES ('CARD-1', 'm1', 1)").run();
  db.prepare("INSERT INTO ledger (member_id, kind, points, reason, created_at) VALUES ('m1', 'bonus', 100, 'enrolment', 1)").run();
  db.prepare('INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (?, 1, 100, 100, 1, 2)').run(
    'm1',
  );
});
afterEach(() => {
  db.close();
  dir.remove();
});

const fails = (sql: string, ...params: unknown[]) => expect(() => db.prepare(sql).run(...params)).toThrow();

test('tables are STRICT: a string in an integer column is refused', () => {
  fails("INSERT INTO ledger (member_id, kind, points, reason, created_at) VALUES ('m1', 'earn', 'ten', 'x', 1)");
});

test('the ledger is append-only and its entries are non-zero and of a known kind', () => {
  fails('UPDATE ledger SET points = 1000 WHERE id = 1');
  fails('DELETE FROM ledger WHERE id = 1');
  fails("INSERT INTO ledger (member_id, kind, points, reason, created_at) VALUES ('m1', 'earn', 0, 'x', 1)");
  fails("INSERT INTO ledger (member_id, kind, points, reason, created_at) VALUES ('m1', 'gift', 5, 'x', 1)");
  expect(db.prepare('SELECT sum(points) FROM ledger').pluck().get()).toBe(100);
});

test('the audit log is append-only', () => {
  db.prepare("INSERT INTO audit_log (at, action) VALUES (1, 'test')").run();
  fails('UPDATE audit_log SET action = ?', 'edited');
  fails('DELETE FROM audit_log');
});

test('lots never go negative nor above their points', () => {
  fails('UPDATE point_lots SET remaining = -1');
  fails('UPDATE point_lots SET remaining = 101');
});

test('foreign keys hold: no card, entry or sale for an unknown member', () => {
  fails("INSERT INTO member_cards VALUES ('CARD-2', 'ghost', 1)");
  fails("INSERT INTO ledger (member_id, kind, points, reason, created_at) VALUES ('ghost', 'earn', 5, 'x', 1)");
  fails(
    "INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, updated_at, referred_by) VALUES ('m2', 'B', 'b', 'active', 'bronze', 's1', 1, 0, 1, 'ghost')",
  );
});

test('a card belongs to one member, and member status and consent are constrained', () => {
  fails("INSERT INTO member_cards VALUES ('CARD-1', 'm1', 2)");
  fails("UPDATE members SET status = 'deleted' WHERE id = 'm1'");
  fails("UPDATE members SET consent_marketing = 2 WHERE id = 'm1'");
  fails("UPDATE members SET birth_date = '14/07/1990' WHERE id = 'm1'");
});

test('the outbox keeps order by sequence and refuses a repeated event id', () => {
  const add = db.prepare("INSERT INTO outbox (id, kind, payload, created_at) VALUES (?, 'sale.committed', '{}', 1)");
  add.run('e1');
  add.run('e2');
  expect(() => add.run('e1')).toThrow(/UNIQUE/);
  expect(db.prepare('SELECT id FROM outbox ORDER BY seq').pluck().all()).toEqual(['e1', 'e2']);
});

test('card and phone lookups use their indexes', () => {
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  expect(plan("SELECT * FROM members WHERE id = (SELECT member_id FROM member_cards WHERE card_number = 'CARD-1')")).toMatch(
    /SEARCH members USING INDEX sqlite_autoindex_members_1.*SEARCH member_cards USING PRIMARY KEY/,
  );
  expect(plan("SELECT * FROM members WHERE phone >= '336' AND phone < '336:' ORDER BY phone LIMIT 20")).toMatch(
    /SEARCH members USING INDEX members_phone/,
  );
  expect(plan("SELECT * FROM members WHERE name_key >= 'an' AND name_key < 'an\u{10FFFF}' ORDER BY name_key LIMIT 20")).toMatch(
    /USING INDEX members_name_key/,
  );
  expect(plan("SELECT sum(qualifying) FROM ledger WHERE member_id = 'm1' AND created_at > 0")).toMatch(/USING INDEX ledger_member_time/);
});
