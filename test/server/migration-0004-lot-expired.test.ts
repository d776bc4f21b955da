/** Server migration 0004 on a database with lots in it: existing lots keep their points and have expired nothing. */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';

let db: Db | undefined;
afterAll(() => db?.close());

it('adds expired = 0 to every existing lot and indexes the expired lots by member and date', async () => {
  db = await openPglite(undefined);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'lot-expired');
  expect(at).toBe(3);
  await migrate(db, all.slice(0, at));
  const member = randomUUID();
  await db.query("INSERT INTO members (id, status, enrolled_at, balance, created_at, updated_at) VALUES ($1, 'active', 1, 70, 1, 1)", [
    member,
  ]);
  await db.query('INSERT INTO point_lots (member_id, remaining, expires_at, created_at) VALUES ($1, 30, 1000, 1), ($1, 40, NULL, 2)', [
    member,
  ]);

  await migrate(db, all.slice(0, at + 1));

  expect(await db.query('SELECT remaining, expired, expires_at FROM point_lots WHERE member_id = $1 ORDER BY id', [member])).toEqual([
    { remaining: 30, expired: 0, expires_at: 1000 },
    { remaining: 40, expired: 0, expires_at: null },
  ]);
  await expect(db.query('UPDATE point_lots SET expired = -1 WHERE member_id = $1', [member])).rejects.toThrow(/check constraint/);
  const [index] = await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'point_lots_expired'");
  expect(index?.indexdef).toMatch(/\(member_id, expires_at\) WHERE \(expired > 0\)/);
});
