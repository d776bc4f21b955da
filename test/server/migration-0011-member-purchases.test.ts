/**
 * Server migration 0011 on a database with sales in it: every member's row gains its purchase
 * count and newest purchase times, backfilled from the applied sales by the server's own
 * definition (server/apply/member-purchases.ts purchaseSql); the members written get a new
 * change_seq, so every till pulls their facts; a member without purchases keeps the defaults.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { purchaseSql } from '../../server/apply/member-purchases.ts';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';

let db: Db | undefined;
afterAll(() => db?.close());

it("backfills each member's purchase count and newest times from the applied sales that earned, as the server counts them", async () => {
  db = await openPglite(undefined);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'member-purchases');
  expect(at).toBe(10);
  await migrate(db, all.slice(0, at));
  const [buyer, many, none] = [randomUUID(), randomUUID(), randomUUID()];
  const terminal = randomUUID();
  await db.query("INSERT INTO stores (id, name, time_zone, currency, created_at) VALUES ('s1', 'S', 'Europe/Paris', 'EUR', 1)");
  await db.query("INSERT INTO terminals (id, store_id, name, hmac_key, paired_at) VALUES ($1, 's1', 'T', '\\x00', 1)", [terminal]);
  for (const id of [buyer, many, none])
    await db.query(
      `INSERT INTO members (id, status, name, enrolled_store, enrolled_at, tier, balance, created_at, updated_at)
       VALUES ($1, 'active', 'M', 's1', 1, 'bronze', 0, 1, 1)`,
      [id],
    );
  let seq = 0;
  const event = (kind: string, memberId: string, createdAt: number, status: string, ledger: object[], saleId = randomUUID()) =>
    db!.query(
      `INSERT INTO applied_events (id, terminal_id, seq, kind, created_at, applied_at, status, payload) VALUES ($1, $2, $3, $4, $5, $5, $6, $7::jsonb)`,
      [randomUUID(), terminal, ++seq, kind, createdAt, status, JSON.stringify({ saleId, memberId, ledger })],
    );
  const earn = (memberId: string, points = 5) => [{ memberId, kind: 'earn', points, qualifying: points }];
  await event('sale.committed', buyer, 100, 'applied', earn(buyer));
  await event('sale.committed', buyer, 300, 'applied_with_adjustment', [...earn(buyer), { memberId: buyer, kind: 'bonus', points: 50 }]);
  const voided = randomUUID();
  await event('sale.committed', buyer, 200, 'applied', earn(buyer), voided);
  await event('sale.voided', buyer, 250, 'applied', [{ memberId: buyer, kind: 'reverse', points: -5 }], voided); // still a purchase
  await event('sale.committed', buyer, 400, 'applied', []); // below the minimum spend: earned nothing
  await event('sale.committed', buyer, 500, 'held', []); // waiting for a person
  await event('sale.committed', buyer, 600, 'refused', earn(buyer));
  await event('points.adjusted', buyer, 700, 'applied', [{ memberId: buyer, kind: 'adjust', points: 9 }]);
  for (let i = 1; i <= 120; i++) await event('sale.committed', many, i * 10, 'applied', earn(many, 1));
  const seqBefore = await db.query<{ id: string; change_seq: number }>('SELECT id, change_seq FROM members');

  await migrate(db, all.slice(0, at + 1));

  const rows = new Map(
    (
      await db.query<{ id: string; purchase_count: number; purchase_recent: number[]; change_seq: number }>(
        'SELECT id, purchase_count, purchase_recent, change_seq FROM members',
      )
    ).map((r) => [r.id, r]),
  );
  expect(rows.get(buyer)).toMatchObject({ purchase_count: 3, purchase_recent: [300, 200, 100] });
  // The newest 100 only.
  expect(rows.get(many)!.purchase_count).toBe(120);
  expect(rows.get(many)!.purchase_recent).toEqual(Array.from({ length: 100 }, (_, i) => (120 - i) * 10));
  expect(rows.get(none)).toMatchObject({ purchase_count: 0, purchase_recent: [] });
  // Written members are pulled again; the untouched one is not.
  const before = new Map(seqBefore.map((r) => [r.id, Number(r.change_seq)]));
  expect(Number(rows.get(buyer)!.change_seq)).toBeGreaterThan(before.get(buyer)!);
  expect(Number(rows.get(none)!.change_seq)).toBe(before.get(none));

  // The migration's predicate is the server's: the same count through purchaseSql.
  const counted = await db.query<{ member_id: string; n: number }>(
    `SELECT a.payload->>'memberId' AS member_id, count(*)::int AS n FROM applied_events a WHERE ${purchaseSql('a')} GROUP BY 1`,
  );
  expect(new Map(counted.map((r) => [r.member_id, r.n]))).toEqual(
    new Map([
      [buyer, 3],
      [many, 120],
    ]),
  );

  await expect(db.query('UPDATE members SET purchase_count = -1 WHERE id = $1', [none])).rejects.toThrow(/check constraint/);
  await expect(db.query(`UPDATE members SET purchase_recent = '{}'::jsonb WHERE id = $1`, [none])).rejects.toThrow(/check constraint/);
});
