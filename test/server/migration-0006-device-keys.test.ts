/** Server migration 0006 on a database with paired terminals in it: their HMAC keys stay (they sign until they register a device key), a terminal may now hold a public key instead, never neither; the first start of protocol version 2 is recorded. */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';

let db: Db | undefined;
afterAll(() => db?.close());

it('keeps paired terminals and their HMAC keys, takes a public key instead of one, refuses a terminal with neither, records when version 2 first ran', async () => {
  db = await openPglite(undefined);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'device-keys');
  expect(at).toBe(5);
  await migrate(db, all.slice(0, at));
  await db.query("INSERT INTO stores (id, name, time_zone, currency, created_at) VALUES ('s1', 'Store', 'Europe/Paris', 'EUR', 1)");
  const old = randomUUID();
  const revoked = randomUUID();
  const hmac = Buffer.alloc(32, 9);
  await db.query("INSERT INTO terminals (id, store_id, name, hmac_key, paired_at, applied_seq) VALUES ($1, 's1', 'Till 1', $2, 10, 42)", [
    old,
    hmac,
  ]);
  await db.query("INSERT INTO terminals (id, store_id, name, hmac_key, paired_at, revoked_at) VALUES ($1, 's1', 'Till 2', $2, 10, 20)", [
    revoked,
    Buffer.alloc(32, 1),
  ]);

  const before = Date.now();
  await migrate(db, all.slice(0, at + 1));
  const after = Date.now();

  const rows = await db.query<{
    id: string;
    hmac_key: Uint8Array;
    public_key: Uint8Array | null;
    applied_seq: number;
    revoked_at: number | null;
  }>('SELECT id, hmac_key, public_key, applied_seq, revoked_at FROM terminals ORDER BY name');
  expect(rows.map((r) => [r.id, Buffer.from(r.hmac_key).toString('hex'), r.public_key, Number(r.applied_seq), r.revoked_at])).toEqual([
    [old, hmac.toString('hex'), null, 42, null],
    [revoked, Buffer.alloc(32, 1).toString('hex'), null, 0, 20],
  ]);

  // A terminal paired with a device key: public key, no HMAC key.
  const modern = randomUUID();
  await db.query(
    "INSERT INTO terminals (id, store_id, name, hmac_key, public_key, key_registered_at, paired_at) VALUES ($1, 's1', 'Till 3', NULL, $2, 30, 30)",
    [modern, Buffer.alloc(32, 3)],
  );
  // The old terminal registers one: the HMAC key goes in the same statement.
  await db.query('UPDATE terminals SET public_key = $2, hmac_key = NULL, key_registered_at = 40 WHERE id = $1', [old, Buffer.alloc(32, 4)]);
  // Neither key, or a public key of the wrong size: refused.
  await expect(db.query('UPDATE terminals SET public_key = NULL WHERE id = $1', [modern])).rejects.toThrow(/check constraint/);
  await expect(
    db.query("INSERT INTO terminals (id, store_id, name, public_key, paired_at) VALUES ($1, 's1', 'Bad', $2, 1)", [
      randomUUID(),
      Buffer.alloc(31),
    ]),
  ).rejects.toThrow(/check constraint/);

  const [started] = await db.query<{ version: number; first_started_at: number }>(
    'SELECT version, first_started_at FROM protocol_versions',
  );
  expect(started!.version).toBe(2);
  expect(Number(started!.first_started_at)).toBeGreaterThanOrEqual(before - 1_000);
  expect(Number(started!.first_started_at)).toBeLessThanOrEqual(after + 1_000);
});
