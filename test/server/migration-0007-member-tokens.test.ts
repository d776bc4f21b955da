/** Server migration 0007 on a database with members, a terminal and holds in it: issued member tokens are recorded; holds and tokens are found by terminal and time. */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';

let db: Db | undefined;
afterAll(() => db?.close());

it('records tokens by member and issuer, refuses a token without an expiry or with the wrong issuer, and keeps the holds it found', async () => {
  db = await openPglite(undefined);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'member-tokens');
  expect(at).toBe(6);
  await migrate(db, all.slice(0, at));
  const member = randomUUID();
  const terminal = randomUUID();
  await db.query("INSERT INTO stores (id, name, time_zone, currency, created_at) VALUES ('s1', 'Store', 'Europe/Paris', 'EUR', 1)");
  await db.query("INSERT INTO members (id, status, enrolled_at, created_at, updated_at, balance) VALUES ($1, 'active', 1, 1, 1, 900)", [
    member,
  ]);
  // A terminal paired the version-1 way (an HMAC key): valid before and after 0006.
  await db.query("INSERT INTO terminals (id, store_id, name, hmac_key, paired_at) VALUES ($1, 's1', 'Till', $2, 1)", [
    terminal,
    Buffer.alloc(32, 1),
  ]);
  const hold = randomUUID();
  await db.query(
    "INSERT INTO holds (id, terminal_id, member_id, points, created_at, expires_at, status) VALUES ($1, $2, $3, 300, 10, 20, 'active')",
    [hold, terminal, member],
  );

  await migrate(db, all.slice(0, at + 1));

  expect(await db.query('SELECT id, points, status FROM holds')).toEqual([{ id: hold, points: 300, status: 'active' }]);
  const insert = (tokenId: string, issuedBy: string, terminalId: string | null, issuedAt: number, expiresAt: number | null) =>
    db!.query(
      'INSERT INTO member_tokens (token_id, member_id, issued_by, terminal_id, key_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, 0, $5, $6)',
      [tokenId, member, issuedBy, terminalId, issuedAt, expiresAt],
    );
  await insert('a1b2c3d4e5f6', 'terminal', terminal, 1000, 2000);
  await insert('0000000000aa', 'admin', null, 1000, 5000);
  await expect(insert('0000000000ab', 'terminal', null, 1000, 2000)).rejects.toThrow(/check constraint/);
  await expect(insert('0000000000ac', 'admin', terminal, 1000, 2000)).rejects.toThrow(/check constraint/);
  await expect(insert('0000000000ad', 'admin', null, 1000, null)).rejects.toThrow(/null value/);
  await expect(insert('0000000000ae', 'admin', null, 2000, 1000)).rejects.toThrow(/check constraint/);
  await expect(insert('NOT-HEX', 'admin', null, 1000, 2000)).rejects.toThrow(/check constraint/);
  await expect(
    db.query(
      "INSERT INTO member_tokens (token_id, member_id, issued_by, key_id, issued_at, expires_at) VALUES ('0000000000af', $1, 'admin', 0, 1, 2)",
      [randomUUID()],
    ),
  ).rejects.toThrow(/foreign key/);
  expect(
    await db.query<{ token_id: string; issued_by: string; revoked_at: number | null }>(
      'SELECT token_id, issued_by, revoked_at FROM member_tokens WHERE member_id = $1 ORDER BY token_id',
      [member],
    ),
  ).toEqual([
    { token_id: '0000000000aa', issued_by: 'admin', revoked_at: null },
    { token_id: 'a1b2c3d4e5f6', issued_by: 'terminal', revoked_at: null },
  ]);
  const indexes = (
    await db.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename IN ('member_tokens', 'holds')")
  ).map((r) => r.indexname);
  expect(indexes).toEqual(expect.arrayContaining(['member_tokens_member', 'member_tokens_terminal', 'holds_terminal_created']));
});
