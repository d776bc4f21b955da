/**
 * Server migration 0009 on a database with members, staff and a sale made at another store
 * than the member's: the sale becomes a sighting of the member at that store (its store
 * scope, docs/privacy.md), every staff row and member row is stamped again (so tills paired
 * before get the scoped picture at their next pull), and the new tables start empty.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';

let db: Db | undefined;
afterAll(() => db?.close());

it('turns sales at other stores into sightings, stamps members and staff again, and adds assignments, erasure and the audit log', async () => {
  db = await openPglite(undefined);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'least-data');
  expect(at).toBe(8);
  await migrate(db, all.slice(0, at));
  for (const s of ['paris', 'lyon'])
    await db.query("INSERT INTO stores (id, name, time_zone, currency, created_at) VALUES ($1, $1, 'Europe/Paris', 'EUR', 1)", [s]);
  const till = randomUUID();
  await db.query(
    "INSERT INTO terminals (id, store_id, name, public_key, key_registered_at, paired_at) VALUES ($1, 'lyon', 'Lyon 1', $2, 1, 1)",
    [till, Buffer.alloc(32, 7)],
  );
  const [visitor, local] = [randomUUID(), randomUUID()];
  for (const [id, store] of [
    [visitor, 'paris'],
    [local, 'lyon'],
  ])
    await db.query(
      "INSERT INTO members (id, status, name, enrolled_store, enrolled_at, tier, balance, created_at, updated_at) VALUES ($1, 'active', 'Zoé', $2, 1, 'bronze', 0, 1, 1)",
      [id, store],
    );
  await db.query("INSERT INTO staff (id, name, role, pin_hash, store_id) VALUES ('m-1', 'Manager', 'manager', 'x', 'lyon')");
  const sale = (member: string, seq: number, createdAt: number) =>
    db!.query(
      "INSERT INTO applied_events (id, terminal_id, seq, kind, created_at, applied_at, status, payload) VALUES ($1, $2, $3, 'sale.committed', $4, $4, 'applied', $5)",
      [randomUUID(), till, seq, createdAt, JSON.stringify({ saleId: randomUUID(), memberId: member, staffId: 'm-1', totalMinor: 100 })],
    );
  await sale(visitor, 1, 500);
  await sale(visitor, 2, 900);
  await sale(local, 3, 700);
  const stamps = async () =>
    db!.query<{ id: string; change_seq: number }>(
      'SELECT id::text AS id, change_seq FROM members UNION ALL SELECT id, change_seq FROM staff ORDER BY id',
    );
  const before = await stamps();

  await migrate(db, all.slice(0, at + 1));

  // The visitor was seen at Lyon at its latest sale there; a member's own store needs no sighting.
  expect(await db.query('SELECT member_id, store_id, assigned, last_seen_at FROM member_stores')).toEqual([
    { member_id: visitor, store_id: 'lyon', assigned: false, last_seen_at: 900 },
  ]);
  const after = await stamps();
  for (const row of after) expect(Number(row.change_seq), row.id).toBeGreaterThan(Number(before.find((b) => b.id === row.id)!.change_seq));
  expect(await db.query('SELECT erased_at FROM members WHERE id = $1', [visitor])).toEqual([{ erased_at: null }]);
  for (const table of ['staff_stores', 'audit_log']) expect(await db.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
  // An assignment names a staff member that exists; a store is assigned once.
  await expect(db.query("INSERT INTO staff_stores (staff_id, store_id) VALUES ('nobody', 'paris')")).rejects.toThrow(/foreign key/);
  await db.query("INSERT INTO staff_stores (staff_id, store_id) VALUES ('m-1', 'paris')");
  await expect(db.query("INSERT INTO staff_stores (staff_id, store_id) VALUES ('m-1', 'paris')")).rejects.toThrow(/duplicate key/);
  await expect(
    db.query("INSERT INTO audit_log (at, actor_kind, actor, action) VALUES (1, 'someone', 'x', 'member.erase')"),
  ).rejects.toThrow(/check constraint/);
});
