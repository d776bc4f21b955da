import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMigrations, migrate } from '../../../main/backend/store/migrations.ts';
import { tempDir } from '../../helpers/terminal.ts';

// Migration 0006 on a database holding 0005 data: the rows stay, and a lot is found by its ledger entry
// (what every outbox event's ledger read does), a sale's vouchers and hold by the sale, a member by e-mail
// case-blind (enrolment's duplicate check), not by reading every row.
test('indexes lots by ledger entry, vouchers and holds by sale, members by e-mail; rows and foreign keys hold; schema version 6', () => {
  const dir = tempDir();
  const db = new Database(join(dir.path, 't.sqlite'));
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations().slice(0, 5));
    const M = '0195a0c0-0000-7000-8000-00000000000a';
    db.exec(`INSERT INTO members (id, name, name_key, status, tier, enrolled_store, enrolled_at, consent_marketing, balance, updated_at)
               VALUES ('${M}', 'Ann', 'ann', 'active', 'bronze', 's1', 1, 0, 60, 1)`);
    for (let i = 1; i <= 3; i++) {
      db.prepare(
        "INSERT INTO ledger (id, member_id, kind, points, qualifying, reason, created_at) VALUES (?, ?, 'earn', 20, 20, 'earn', ?)",
      ).run(i, M, i);
      db.prepare('INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (?, ?, 20, ?, ?, ?)').run(
        M,
        i,
        i === 1 ? 0 : 20,
        i,
        1000 + i,
      );
    }
    db.exec(`INSERT INTO outbox (id, kind, payload, created_at) VALUES ('e1', 'sale.committed', '{}', 5);
             INSERT INTO outbox (id, kind, payload, created_at, sent_at, result) VALUES ('e2', 'sale.committed', '{}', 6, 7, '{"status":"applied_with_adjustment","reasons":["overdraft"]}');
             INSERT INTO outbox (id, kind, payload, created_at) VALUES ('e3', 'sale.committed', '{}', 8);`);
    const expiryOf = 'SELECT expires_at FROM point_lots WHERE entry_id = ?';
    const vouchers = "UPDATE vouchers SET status = 'cancelled' WHERE sale_id = ?";
    const hold = 'SELECT hold_id FROM redemption_holds WHERE sale_id = ?';
    const email = 'SELECT id FROM members m WHERE m.email IS NOT NULL AND lower(m.email) = lower(?)';
    const unsent = 'SELECT count(*) AS pending, min(created_at) AS oldestPendingAt FROM outbox WHERE sent_at IS NULL';
    const flagged = "SELECT count(*) FROM outbox WHERE json_extract(result, '$.status') = 'applied_with_adjustment'";
    expect(planOf(db, expiryOf)).toMatch(/SCAN point_lots/);
    expect(planOf(db, vouchers)).toMatch(/SCAN vouchers/);
    expect(planOf(db, hold)).toMatch(/SCAN redemption_holds/);
    expect(planOf(db, email)).not.toMatch(/<expr>=/); // every member with an e-mail, then lower() on each
    expect(planOf(db, unsent)).toMatch(/SCAN outbox USING INDEX outbox_unsent/);
    expect(planOf(db, flagged)).toMatch(/SCAN outbox USING INDEX outbox_flagged/);

    migrate(db, loadMigrations().slice(0, 6));
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(planOf(db, expiryOf)).toMatch(/SEARCH point_lots USING INDEX point_lots_entry \(entry_id=\?\)/);
    expect(planOf(db, vouchers)).toMatch(/SEARCH vouchers USING INDEX vouchers_sale \(sale_id=\?\)/);
    expect(planOf(db, hold)).toMatch(/SEARCH redemption_holds USING (COVERING )?INDEX redemption_holds_sale \(sale_id=\?\)/);
    expect(planOf(db, email)).toMatch(/SEARCH m USING INDEX members_email \(<expr>=\?\)/);
    expect(planOf(db, unsent)).toMatch(/SCAN outbox USING COVERING INDEX outbox_unsent/);
    expect(planOf(db, flagged)).toMatch(/SCAN outbox USING COVERING INDEX outbox_flagged/);
    expect(db.prepare(unsent).get()).toEqual({ pending: 2, oldestPendingAt: 5 });
    expect(db.prepare(flagged).pluck().get()).toBe(1);
    // A member's e-mail is found whatever its case.
    db.prepare("UPDATE members SET email = 'Ann.Martin@Example.com'").run();
    expect(db.prepare(email).pluck().get('ann.martin@example.COM')).toBe(M);
    // A spent lot (remaining 0) is found too: its entry's expiry still goes to the server.
    expect([1, 2, 3].map((entry) => db.prepare(expiryOf).pluck().get(entry))).toEqual([1001, 1002, 1003]);
    expect(db.prepare('SELECT sum(remaining) FROM point_lots').pluck().get()).toBe(40);
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
