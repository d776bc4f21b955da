import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import type { WritableDb } from '../../../main/backend/store/connection.ts';
import { insertRows } from '../../../main/backend/store/insert-rows.ts';

/** A bare in-memory table: insertRows takes it as the write transaction would hand it out. */
function table(): WritableDb {
  const db = new Database(':memory:') as WritableDb;
  db.exec('CREATE TABLE t (n INTEGER NOT NULL, label TEXT) STRICT');
  return db;
}

test.each([0, 1, 127, 128, 129, 255, 300])('%i rows go in, all of them, in order', (count) => {
  const db = table();
  const values = Array.from({ length: count }, (_, i) => [i, i % 7 === 0 ? null : `row ${i}`]).flat();
  insertRows(db, 'INSERT INTO t (n, label)', 2, values);
  const rows = db.prepare('SELECT n, label FROM t ORDER BY rowid').all() as { n: number; label: string | null }[];
  expect(rows.map((r) => r.n)).toEqual(Array.from({ length: count }, (_, i) => i));
  expect(rows.filter((r) => r.label === null)).toHaveLength(Math.ceil(count / 7));
});

test('an ON CONFLICT tail applies to every row of a multi-row statement', () => {
  const db = new Database(':memory:') as WritableDb;
  db.exec('CREATE TABLE cards (card TEXT PRIMARY KEY, owner TEXT NOT NULL) STRICT');
  db.exec("INSERT INTO cards VALUES ('c1', 'old')");
  insertRows(
    db,
    'INSERT INTO cards (card, owner)',
    2,
    ['c1', 'new', 'c2', 'new'],
    'ON CONFLICT (card) DO UPDATE SET owner = excluded.owner',
  );
  expect(db.prepare('SELECT card, owner FROM cards ORDER BY card').all()).toEqual([
    { card: 'c1', owner: 'new' },
    { card: 'c2', owner: 'new' },
  ]);
});

test('values that are not whole rows are refused before anything is written', () => {
  const db = table();
  expect(() => insertRows(db, 'INSERT INTO t (n, label)', 2, [1, 'a', 2])).toThrow(/3 values are not rows of 2/);
  expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
});
