import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { syncEventSchema } from '../../../shared/sync-protocol.ts';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0004 on a database holding 0001–0003 data: the ledger is rebuilt with the
// 'sync' kind (rows, ids, indexes, triggers and the lots' references intact) and
// events written before it are rewritten into the protocol's shape.
const M = '0195a0c0-0000-7000-8000-00000000000a';
const R = '0195a0c0-0000-7000-8000-00000000000b';
const SALE = '0195a0c0-0000-7000-8000-0000000000a1';
const REFUND = '0195a0c0-0000-7000-8000-0000000000f1';
const ADJ = '0195a0c0-0000-7000-8000-0000000000d1';
const EXP = 9_000_000;

let dir: { path: string; remove(): void };
let db: Database.Database;
let ledgerBefore: unknown[];
beforeEach(() => {
  dir = tempDir();
  db = new Database(join(dir.path, 't.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, loadMigrations().slice(0, 3));
  db.exec(`
    INSERT INTO staff (id, name, role, pin_hash, updated_at) VALUES ('c1', 'C', 'cashier', 'x', 1);
    INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, balance, updated_at)
      VALUES ('${M}', 'Ann', 'ann', 'active', 'bronze', 's1', 1, 0, 95, 1), ('${R}', 'Bob', 'bob', 'active', 'bronze', 's1', 1, 0, 25, 1);
    INSERT INTO sales (id, member_id, staff_id, store_id, program_version, created_at, total_minor, discount_minor, paid_minor, points_earned, points_redeemed, status, result)
      VALUES ('${SALE}', '${M}', 'c1', 's1', 1, 10, 2000, 0, 2000, 20, 0, 'completed', '{}');
    INSERT INTO refunds (id, sale_id, staff_id, created_at, refund_minor, points_reversed, points_restored, result) VALUES ('${REFUND}', '${SALE}', 'c1', 20, 1000, 10, 0, '{}');
    INSERT INTO ledger (id, member_id, kind, points, qualifying, sale_id, refund_id, ref, reason, staff_id, created_at) VALUES
      (1, '${M}', 'bonus', 100, 0, NULL, NULL, 'enrolment', 'welcome', 'c1', 1),
      (2, '${M}', 'earn', 20, 20, '${SALE}', NULL, NULL, 'earned', 'c1', 10),
      (3, '${M}', 'reverse', -10, -10, '${SALE}', '${REFUND}', NULL, 'refund', 'c1', 20),
      (4, '${M}', 'expire', -15, 0, NULL, NULL, 'lot:1', 'expired', NULL, 30),
      (5, '${R}', 'adjust', 25, 0, NULL, NULL, '${ADJ}', 'goodwill', 'c1', 40);
    INSERT INTO point_lots (id, member_id, entry_id, points, remaining, earned_at, expires_at) VALUES
      (1, '${M}', 1, 100, 85, 1, ${EXP}), (2, '${M}', 2, 20, 10, 10, ${EXP}), (3, '${R}', 5, 25, 25, 40, ${EXP});
    INSERT INTO outbox (id, kind, payload, created_at) VALUES
      ('0195a0c0-0000-7000-8000-000000000e01', 'member.enrolled', json_object('memberId', '${M}', 'name', 'Ann', 'phone', NULL, 'email', NULL, 'birthDate', NULL, 'consentMarketing', json('false'), 'cardNumber', NULL, 'referrerCard', NULL, 'referredBy', NULL, 'storeId', 's1', 'enrolledAt', 1, 'staffId', 'c1'), 1),
      ('0195a0c0-0000-7000-8000-000000000e02', 'sale.committed', json_object('saleId', '${SALE}', 'memberId', '${M}', 'createdAt', 10, 'totalMinor', 2000, 'payableMinor', 2000, 'pointsAwarded', 20, 'redemption', NULL, 'programVersion', 1, 'staffId', 'c1', 'storeId', 's1'), 10),
      ('0195a0c0-0000-7000-8000-000000000e03', 'sale.refunded', json_object('refundId', '${REFUND}', 'saleId', '${SALE}', 'refundMinor', 1000, 'pointsReversed', 10, 'staffId', 'c1', 'storeId', 's1', 'createdAt', 20), 20),
      ('0195a0c0-0000-7000-8000-000000000e04', 'points.adjusted', json_object('adjustmentId', '${ADJ}', 'memberId', '${R}', 'points', 25, 'reason', 'goodwill', 'staffId', 'c1', 'storeId', 's1', 'createdAt', 40), 40);
  `);
  ledgerBefore = db.prepare('SELECT * FROM ledger ORDER BY id').all();
  migrate(db, loadMigrations().slice(0, 4));
});
afterEach(() => {
  db.close();
  dir.remove();
});

test('keeps every ledger row and lot reference; foreign keys hold; schema version 4', () => {
  expect(db.pragma('user_version', { simple: true })).toBe(4);
  expect(db.prepare('SELECT * FROM ledger ORDER BY id').all()).toEqual(ledgerBefore);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(db.prepare('SELECT count(*) FROM point_lots p JOIN ledger l ON l.id = p.entry_id').pluck().get()).toBe(3);
  const indexes = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'ledger' AND sql IS NOT NULL ORDER BY name")
    .pluck()
    .all();
  expect(indexes).toEqual(['ledger_adjust_ref', 'ledger_member_time', 'ledger_sale']);
  expect(
    db.prepare("SELECT count(*) FROM sqlite_schema WHERE instr(sql, 'ledger_new') > 0 OR instr(sql, 'point_lots_new') > 0").pluck().get(),
  ).toBe(0);
  expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'point_lots'").pluck().get()).toMatch(
    /entry_id\s+INTEGER NOT NULL REFERENCES "?ledger"?\(id\)/,
  );
  expect(db.prepare('SELECT * FROM point_lots ORDER BY id').all()).toHaveLength(3);
  const lotIndexes = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'point_lots' AND sql IS NOT NULL")
    .pluck()
    .all();
  expect(lotIndexes).toEqual(['point_lots_live']);
  // A lot still cannot point at an entry that does not exist.
  expect(() =>
    db.prepare('INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (?, 999, 1, 1, 1, 2)').run(M),
  ).toThrow(/FOREIGN KEY/);
});

test("accepts the 'sync' kind and stays append-only", () => {
  db.prepare(
    "INSERT INTO ledger (member_id, kind, points, reason, created_at) VALUES (?, 'sync', 5, 'balance from the loyalty server', 50)",
  ).run(M);
  expect(() =>
    db.prepare("INSERT INTO ledger (member_id, kind, points, reason, created_at) VALUES (?, 'other', 5, 'x', 50)").run(M),
  ).toThrow(/CHECK/);
  expect(() => db.prepare('UPDATE ledger SET points = 1 WHERE id = 1').run()).toThrow(/append-only/);
  expect(() => db.prepare('DELETE FROM ledger WHERE id = 1').run()).toThrow(/append-only/);
  expect(() =>
    db.prepare("INSERT INTO ledger (member_id, kind, points, ref, reason, created_at) VALUES (?, 'adjust', 5, ?, 'x', 50)").run(R, ADJ),
  ).toThrow(/UNIQUE/);
});

test('events written before are rewritten into protocol events with the ledger their transaction wrote', () => {
  const rows = db.prepare('SELECT seq, id, kind, created_at, payload FROM outbox ORDER BY seq').all() as {
    seq: number;
    id: string;
    kind: string;
    created_at: number;
    payload: string;
  }[];
  const events = rows.map((r) =>
    syncEventSchema.parse({ id: r.id, seq: r.seq, kind: r.kind, createdAt: r.created_at, payload: JSON.parse(r.payload) }),
  );
  expect(events.map((e) => e.payload.ledger.map((l) => [l.kind, l.points, l.expiresAt ?? null]))).toEqual([
    [['bonus', 100, EXP]],
    [['earn', 20, EXP]],
    [['reverse', -10, null]],
    [['adjust', 25, EXP]],
  ]);
  expect(events[1]!.payload).toMatchObject({ paidMinor: 2000, pointsEarned: 20, pointsRedeemed: 0 });
  expect(events[2]!.payload).toMatchObject({ memberId: M, refundedMinor: 1000 });
  // The local 'expire' entry is not an event: the server expires its own lots.
  expect(db.prepare('SELECT member_id, seq, points FROM outbox_points ORDER BY seq').all()).toEqual([
    { member_id: M, seq: 1, points: 100 },
    { member_id: M, seq: 2, points: 20 },
    { member_id: M, seq: 3, points: -10 },
    { member_id: R, seq: 4, points: 25 },
  ]);
});
