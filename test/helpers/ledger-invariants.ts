/**
 * Whole-database ledger invariants, checked straight against SQLite (not
 * through the product's repositories, so a bug there cannot hide itself):
 *
 * - per member: cached balance = opening + sum(ledger) = sum(lot remainders) − debt
 *   (the opening: points the till received with the member, not in its ledger);
 *   debt ≥ 0; a member who owes points holds no unspent points;
 * - per lot: 0 ≤ remaining ≤ points;
 * - per sale and member: points taken back ≤ points the sale gave (earn +
 *   bonus), points given back ≤ points the sale spent (redeem);
 * - per sale line: refunded quantity ≤ quantity; per refund: its lines exist;
 * - per sale: exactly one 'sale.committed' outbox event naming it, and at
 *   least one line (a half-written sale shows up here);
 * - the file passes PRAGMA integrity_check and foreign_key_check.
 *
 * Returns one readable line per violation; an empty list means all is well.
 */
import type Database from 'better-sqlite3';

type Db = Database.Database;

const MAX_REPORTED = 50;

export function checkInvariants(db: Db): string[] {
  const violations: string[] = [];
  const add = (message: string): void => {
    if (violations.length < MAX_REPORTED) violations.push(message);
    else if (violations.length === MAX_REPORTED) violations.push('… more violations not shown');
  };

  // The file itself.
  const integrity = (db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
  if (integrity.length !== 1 || integrity[0] !== 'ok') add(`integrity_check: ${integrity.slice(0, 5).join('; ')}`);
  const fk = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  for (const f of fk.slice(0, 5)) add(`foreign_key_check: ${f.table} row ${f.rowid} points at a missing ${f.parent}`);

  // Members: cached balance, lots, debt.
  const members = db
    .prepare(
      `WITH l AS (SELECT member_id, sum(points) AS total FROM ledger GROUP BY member_id),
            p AS (SELECT member_id, sum(remaining) AS total FROM point_lots GROUP BY member_id)
       SELECT m.id, m.balance, m.debt, m.opening + coalesce(l.total, 0) AS ledger_sum, coalesce(p.total, 0) AS lot_sum
       FROM members m LEFT JOIN l ON l.member_id = m.id LEFT JOIN p ON p.member_id = m.id ORDER BY m.id`,
    )
    .all() as { id: string; balance: number; debt: number; ledger_sum: number; lot_sum: number }[];
  for (const m of members) {
    if (m.balance !== m.ledger_sum) add(`member ${m.id}: cached balance ${m.balance} ≠ opening + sum(ledger) ${m.ledger_sum}`);
    if (m.lot_sum - m.debt !== m.balance) add(`member ${m.id}: sum(lot remaining) ${m.lot_sum} − debt ${m.debt} ≠ balance ${m.balance}`);
    if (m.debt < 0) add(`member ${m.id}: negative debt ${m.debt}`);
    // Debt is only recorded once every live lot is used up, and new points pay it off before making a lot.
    if (m.debt > 0 && m.lot_sum > 0) add(`member ${m.id}: owes ${m.debt} points while holding ${m.lot_sum} unspent points`);
  }
  const orphanLedger = db.prepare('SELECT count(*) FROM ledger WHERE member_id NOT IN (SELECT id FROM members)').pluck().get() as number;
  if (orphanLedger > 0) add(`${orphanLedger} ledger entries belong to no member`);

  // Lots.
  const badLots = db
    .prepare('SELECT id, member_id, points, remaining FROM point_lots WHERE remaining < 0 OR remaining > points OR points <= 0 LIMIT 10')
    .all() as { id: number; member_id: string; points: number; remaining: number }[];
  for (const l of badLots) add(`lot ${l.id} (member ${l.member_id}): remaining ${l.remaining} outside 0..${l.points}`);
  const lotEntry = db
    .prepare(
      'SELECT p.id FROM point_lots p LEFT JOIN ledger l ON l.id = p.entry_id WHERE p.entry_id IS NOT NULL AND (l.id IS NULL OR l.member_id <> p.member_id OR l.points < p.points) LIMIT 10',
    )
    .pluck()
    .all() as number[];
  for (const id of lotEntry) add(`lot ${id}: its ledger entry is missing, belongs to another member or is smaller than the lot`);
  // Lots without an entry are the member's opening, received with it: together never more than it.
  const openingLots = db
    .prepare(
      'SELECT p.member_id FROM point_lots p JOIN members m ON m.id = p.member_id WHERE p.entry_id IS NULL GROUP BY p.member_id HAVING sum(p.points) > max(m.opening, 0) LIMIT 10',
    )
    .pluck()
    .all() as string[];
  for (const id of openingLots) add(`member ${id}: opening lots hold more points than the opening`);

  // Per sale and member: reversals bounded by what the sale gave and spent. A sale made at another
  // till (kept here to refund it) has its earn and redeem entries there: its own figures bound them.
  const perSale = db
    .prepare(
      `WITH per AS (
         SELECT sale_id, member_id,
                coalesce(sum(CASE WHEN kind IN ('earn', 'bonus') THEN points END), 0) AS given,
                coalesce(sum(CASE WHEN kind = 'redeem' THEN -points END), 0) AS spent,
                coalesce(sum(CASE WHEN kind = 'reverse' AND points < 0 THEN -points END), 0) AS taken_back,
                coalesce(sum(CASE WHEN kind = 'reverse' AND points > 0 THEN points END), 0) AS given_back,
                coalesce(sum(CASE WHEN kind IN ('earn', 'bonus') AND points < 0 THEN 1 END), 0) AS negative_credits,
                coalesce(sum(CASE WHEN kind = 'redeem' AND points > 0 THEN 1 END), 0) AS positive_redeems
         FROM ledger WHERE sale_id IS NOT NULL GROUP BY sale_id, member_id)
       SELECT per.sale_id, per.member_id,
              CASE WHEN s.origin_terminal_id IS NULL THEN per.given ELSE s.points_earned END AS given,
              CASE WHEN s.origin_terminal_id IS NULL THEN per.spent ELSE s.points_redeemed END AS spent,
              per.taken_back, per.given_back, per.negative_credits, per.positive_redeems
       FROM per LEFT JOIN sales s ON s.id = per.sale_id ORDER BY per.sale_id, per.member_id`,
    )
    .all() as {
    sale_id: string;
    member_id: string;
    given: number;
    spent: number;
    taken_back: number;
    given_back: number;
    negative_credits: number;
    positive_redeems: number;
  }[];
  for (const s of perSale) {
    if (s.taken_back > s.given)
      add(`sale ${s.sale_id}, member ${s.member_id}: ${s.taken_back} points taken back but only ${s.given} given`);
    if (s.given_back > s.spent)
      add(`sale ${s.sale_id}, member ${s.member_id}: ${s.given_back} points given back but only ${s.spent} spent`);
    if (s.negative_credits > 0) add(`sale ${s.sale_id}, member ${s.member_id}: an earn/bonus entry is negative`);
    if (s.positive_redeems > 0) add(`sale ${s.sale_id}, member ${s.member_id}: a redeem entry is positive`);
  }
  const strayLedger = db
    .prepare(`SELECT count(*) FROM ledger l WHERE l.sale_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.id = l.sale_id)`)
    .pluck()
    .get() as number;
  if (strayLedger > 0) add(`${strayLedger} ledger entries name a sale that does not exist`);
  const refundEntries = db
    .prepare(
      `SELECT l.id FROM ledger l LEFT JOIN refunds r ON r.id = l.refund_id
       WHERE l.refund_id IS NOT NULL AND (r.id IS NULL OR r.sale_id IS NOT l.sale_id OR l.kind <> 'reverse') LIMIT 10`,
    )
    .pluck()
    .all() as number[];
  for (const id of refundEntries) add(`ledger entry ${id}: its refund is missing, is for another sale, or it is not a 'reverse' entry`);

  // Refunds: the ledger agrees with what the refund says it did.
  const refunds = db
    .prepare(
      `WITH l AS (SELECT refund_id, sum(CASE WHEN points < 0 THEN -points ELSE 0 END) AS reversed,
                         sum(CASE WHEN points > 0 THEN points ELSE 0 END) AS restored
                  FROM ledger WHERE refund_id IS NOT NULL GROUP BY refund_id)
       SELECT r.id, r.points_reversed, r.points_restored, s.member_id,
              coalesce(l.reversed, 0) AS ledger_reversed, coalesce(l.restored, 0) AS ledger_restored
       FROM refunds r JOIN sales s ON s.id = r.sale_id LEFT JOIN l ON l.refund_id = r.id`,
    )
    .all() as {
    id: string;
    points_reversed: number;
    points_restored: number;
    member_id: string | null;
    ledger_reversed: number;
    ledger_restored: number;
  }[];
  for (const r of refunds) {
    const expectedReversed = r.member_id === null ? 0 : r.points_reversed;
    const expectedRestored = r.member_id === null ? 0 : r.points_restored;
    if (r.ledger_reversed !== expectedReversed || r.ledger_restored !== expectedRestored) {
      add(
        `refund ${r.id}: records −${r.points_reversed}/+${r.points_restored} but the ledger has −${r.ledger_reversed}/+${r.ledger_restored}`,
      );
    }
  }
  const refundOfVoided = db
    .prepare("SELECT s.id FROM sales s WHERE s.status = 'voided' AND EXISTS (SELECT 1 FROM refunds r WHERE r.sale_id = s.id) LIMIT 10")
    .pluck()
    .all() as string[];
  for (const id of refundOfVoided) add(`sale ${id}: both voided and (partly) refunded`);

  // Sale lines.
  const overRefunded = db
    .prepare(
      'SELECT sale_id, line_no, quantity, refunded_quantity FROM sale_lines WHERE refunded_quantity < 0 OR refunded_quantity > quantity LIMIT 10',
    )
    .all() as { sale_id: string; line_no: number; quantity: number; refunded_quantity: number }[];
  for (const l of overRefunded) add(`sale ${l.sale_id} line ${l.line_no}: refunded ${l.refunded_quantity} of ${l.quantity}`);

  // Sales: lines and exactly one committed event each; no event without its sale.
  const sales = db
    .prepare(
      `WITH e AS (SELECT json_extract(payload, '$.saleId') AS sale_id, count(*) AS n FROM outbox WHERE kind = 'sale.committed' GROUP BY 1),
            sl AS (SELECT sale_id, count(*) AS n FROM sale_lines GROUP BY sale_id)
       SELECT s.id, coalesce(sl.n, 0) AS lines, coalesce(e.n, 0) AS events, s.origin_terminal_id IS NOT NULL AS elsewhere
       FROM sales s LEFT JOIN sl ON sl.sale_id = s.id LEFT JOIN e ON e.sale_id = s.id ORDER BY s.id`,
    )
    .all() as { id: string; lines: number; events: number; elsewhere: number }[];
  for (const s of sales) {
    if (s.lines === 0) add(`sale ${s.id}: has no lines`);
    // A sale of another till, kept here to refund it, was committed there.
    const expected = s.elsewhere ? 0 : 1;
    if (s.events !== expected) add(`sale ${s.id}: ${s.events} 'sale.committed' outbox events (expected exactly ${expected})`);
  }
  const strayEvents = db
    .prepare(
      `SELECT o.seq, json_extract(o.payload, '$.saleId') AS sale_id FROM outbox o
       LEFT JOIN sales s ON s.id = json_extract(o.payload, '$.saleId')
       WHERE o.kind = 'sale.committed' AND s.id IS NULL LIMIT 10`,
    )
    .all() as { seq: number; sale_id: unknown }[];
  for (const e of strayEvents) add(`outbox event ${e.seq}: 'sale.committed' for sale ${String(e.sale_id)}, which does not exist`);

  return violations;
}
