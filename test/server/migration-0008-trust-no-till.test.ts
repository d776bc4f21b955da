/**
 * Server migration 0008 on a database with staff, members, ledger rows and flags in it: existing
 * staff work at every store, members keep their rows with no downgrade recorded, the new tables
 * are empty and keyed as the checks need, integers beyond the bounds and unknown flag kinds are refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';

let db: Db | undefined;
afterAll(() => db?.close());

it('adds store scope to staff, a downgrade memory to members, grants, daily usage and held events, and bounds every figure', async () => {
  db = await openPglite(undefined);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'trust-no-till');
  expect(at).toBe(7);
  await migrate(db, all.slice(0, at));
  const member = randomUUID();
  await db.query("INSERT INTO staff (id, name, role, pin_hash) VALUES ('m-1', 'Manager', 'manager', 'x')");
  await db.query(
    `INSERT INTO members (id, status, name, enrolled_store, enrolled_at, tier, balance, created_at, updated_at)
     VALUES ($1, 'active', 'Zoé', 'paris-1', 1, 'silver', 700, 1, 1)`,
    [member],
  );
  await db.query("INSERT INTO ledger (member_id, kind, points, qualifying, created_at, applied_at) VALUES ($1, 'earn', 700, 700, 1, 1)", [
    member,
  ]);
  await db.query("INSERT INTO flags (kind, member_id, event_id, created_at) VALUES ('overdraft', $1, $2, 1)", [member, randomUUID()]);

  await migrate(db, all.slice(0, at + 1));

  expect(await db.query('SELECT id, store_id FROM staff')).toEqual([{ id: 'm-1', store_id: null }]);
  expect(await db.query('SELECT tier, balance, tier_before, tier_changed_at FROM members')).toEqual([
    { tier: 'silver', balance: 700, tier_before: null, tier_changed_at: null },
  ]);
  for (const table of ['bonus_grants', 'daily_usage', 'held_events'])
    expect(await db.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);

  // One birthday a year per member: the second grant of the same period is the primary key's to refuse.
  const grant = () =>
    db!.query("INSERT INTO bonus_grants (member_id, kind, period, event_id, granted_at) VALUES ($1, 'birthday', '2026', $2, 1)", [
      member,
      randomUUID(),
    ]);
  await grant();
  await expect(grant()).rejects.toThrow(/duplicate key/);

  await expect(db.query('UPDATE members SET balance = 9007199254740991 WHERE id = $1', [member])).rejects.toThrow(/check constraint/);
  await expect(
    db.query("INSERT INTO ledger (member_id, kind, points, created_at, applied_at) VALUES ($1, 'earn', 2000000000000, 1, 1)", [member]),
  ).rejects.toThrow(/check constraint/);
  await db.query("INSERT INTO flags (kind, member_id, event_id, created_at) VALUES ('event_id_taken', NULL, $1, 2)", [randomUUID()]);
  await expect(
    db.query("INSERT INTO flags (kind, member_id, event_id, created_at) VALUES ('made_up', $1, $2, 3)", [member, randomUUID()]),
  ).rejects.toThrow(/check constraint/);
  await expect(
    db.query(
      `INSERT INTO held_events (event_id, terminal_id, kind, reasons, details, ledger, created_at, decision)
       VALUES ($1, $2, 'points.adjusted', '[]', '[]', '[]', 1, 'maybe')`,
      [randomUUID(), randomUUID()],
    ),
  ).rejects.toThrow(/check constraint/);
});
