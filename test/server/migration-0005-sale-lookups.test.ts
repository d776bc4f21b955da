/** Server migration 0005 on a database with sales, refunds and flags in it: sales and refunds are found by sale id, sales by member; flags take the refund kinds. */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';

let db: Db | undefined;
afterAll(() => db?.close());

it('indexes sale and refund events by sale id and sales by member; flags accept the refund kinds, and nothing else new', async () => {
  db = await openPglite(undefined);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'sale-lookups');
  expect(at).toBe(4);
  await migrate(db, all.slice(0, at));
  const terminal = randomUUID();
  const member = randomUUID();
  const sale = randomUUID();
  const event = (kind: string, seq: number, payload: object) =>
    db!.query(
      "INSERT INTO applied_events (id, terminal_id, seq, kind, created_at, applied_at, status, payload) VALUES ($1, $2, $3, $4, $5, $5, 'applied', $6)",
      [randomUUID(), terminal, seq, kind, seq * 10, JSON.stringify(payload)],
    );
  await event('sale.committed', 1, { saleId: sale, memberId: member, lines: [{ lineNo: 1, quantity: 2 }] });
  await event('sale.refunded', 2, { saleId: sale, refundId: randomUUID(), memberId: member, lines: [{ lineNo: 1, quantity: 1 }] });
  await db.query("INSERT INTO flags (kind, member_id, event_id, created_at) VALUES ('overdraft', $1, $2, 1)", [member, randomUUID()]);

  await migrate(db, all.slice(0, at + 1));

  const found = await db.query<{ kind: string }>(
    "SELECT kind FROM applied_events WHERE kind IN ('sale.committed', 'sale.refunded') AND payload->>'saleId' = $1 ORDER BY seq",
    [sale],
  );
  expect(found.map((r) => r.kind)).toEqual(['sale.committed', 'sale.refunded']);
  const bySale = await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'applied_events_sale_refs'");
  expect(bySale[0]?.indexdef).toMatch(
    /\(payload ->> 'saleId'::text\)\)\) WHERE \(kind = ANY \(ARRAY\['sale\.committed'::text, 'sale\.refunded'::text\]\)\)/,
  );
  const byMember = await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'applied_events_member_sales'");
  expect(byMember[0]?.indexdef).toMatch(/\(payload ->> 'memberId'::text\)\), created_at\) WHERE \(kind = 'sale\.committed'::text\)/);

  for (const kind of ['refund_exceeds_sale', 'refund_expired_points'])
    await db.query('INSERT INTO flags (kind, member_id, event_id, created_at) VALUES ($1, $2, $3, 2)', [kind, member, randomUUID()]);
  await expect(
    db.query("INSERT INTO flags (kind, member_id, event_id, created_at) VALUES ('made_up', $1, $2, 3)", [member, randomUUID()]),
  ).rejects.toThrow(/check constraint/);
  expect((await db.query<{ kind: string }>('SELECT kind FROM flags ORDER BY id')).map((r) => r.kind)).toEqual([
    'overdraft',
    'refund_exceeds_sale',
    'refund_expired_points',
  ]);
});
