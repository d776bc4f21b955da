import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0009 on a database holding 0008 outbox rows answered every way: the status counts the
// flagged, held and refused events, and the manager's list reads the latest of them, from one partial
// index of those answers (not every answered event); the diagnostics' flagged count keeps its own index.
// Pulled records that could not be read get their table, keyed by kind and id.
test('indexes the flagged, held and refused answers; records that could not be read get their table; rows stay; schema version 9', () => {
  const dir = tempDir();
  const db = new Database(join(dir.path, 't.sqlite'));
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations().slice(0, 8));
    const insert = db.prepare('INSERT INTO outbox (id, kind, payload, created_at, sent_at, result) VALUES (?, ?, ?, ?, ?, ?)');
    const answers = [
      null, // not sent yet
      '{"status":"applied"}',
      '{"status":"duplicate"}',
      '{"status":"applied_with_adjustment","reasons":["overdraft"]}',
      '{"status":"held","reasons":["over_limit"]}',
      '{"status":"refused","reasons":["staff_not_allowed"]}',
      '{"status":"held","reasons":["awaiting_sale"]}',
      '{"status":"applied"}',
    ];
    answers.forEach((result, i) =>
      insert.run(`e${i}`, 'sale.committed', `{"totalMinor":${(i + 1) * 100}}`, 10 + i, result === null ? null : 20 + i, result),
    );
    const status = "json_extract(result, '$.status')";
    const counts = `SELECT count(*) FILTER (WHERE ${status} = 'applied_with_adjustment') AS flagged, count(*) FILTER (WHERE ${status} = 'held') AS held,
      count(*) FILTER (WHERE ${status} = 'refused') AS refused FROM outbox WHERE ${status} IN ('applied_with_adjustment', 'held', 'refused')`;
    const latest = `SELECT seq FROM outbox WHERE json_extract(result, '$.status') IN ('applied_with_adjustment', 'held', 'refused') ORDER BY seq DESC LIMIT ?`;
    const flagged = "SELECT count(*) FROM outbox WHERE json_extract(result, '$.status') = 'applied_with_adjustment'";
    expect(planOf(db, counts)).toMatch(/SCAN outbox(?! USING)/); // every event's answer read
    expect(planOf(db, latest)).not.toMatch(/outbox_notable/);

    migrate(db, loadMigrations().slice(0, 9));
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(planOf(db, counts)).toMatch(/SCAN outbox USING COVERING INDEX outbox_notable/); // the index alone
    expect(planOf(db, latest)).toMatch(/SCAN outbox USING (COVERING )?INDEX outbox_notable/);
    expect(planOf(db, flagged)).toMatch(/SCAN outbox USING COVERING INDEX outbox_flagged/);
    expect(db.prepare(counts).get()).toEqual({ flagged: 1, held: 2, refused: 1 });
    expect(db.prepare(latest).pluck().all(10)).toEqual([7, 6, 5, 4]);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(8);

    // An answer recorded after the migration is in the index at once.
    db.prepare(`UPDATE outbox SET sent_at = 30, result = '{"status":"refused","reasons":["wrong_store"]}' WHERE id = 'e0'`).run();
    expect(db.prepare(counts).get()).toEqual({ flagged: 1, held: 2, refused: 2 });

    // Records that could not be read: one row per kind and id, of the three kinds a pull skips.
    const note = db.prepare('INSERT INTO unreadable_records (kind, record_id, seen_at) VALUES (?, ?, ?)');
    note.run('member', '0195a0c0-0000-7000-8000-00000000000a', 1);
    note.run('product', 'SKU-1', 1);
    expect(() => note.run('member', '0195a0c0-0000-7000-8000-00000000000a', 2)).toThrow(/UNIQUE/);
    expect(() => note.run('program', 'x', 2)).toThrow(/CHECK/);
    expect(db.prepare('SELECT kind, record_id FROM unreadable_records ORDER BY kind').all()).toEqual([
      { kind: 'member', record_id: '0195a0c0-0000-7000-8000-00000000000a' },
      { kind: 'product', record_id: 'SKU-1' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
  } finally {
    db.close();
    dir.remove();
  }
});

function planOf(db: Database.Database, sql: string): string {
  const params = (sql.match(/\?/g) ?? []).map(() => 1);
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}
