import type { MemberRecord } from '../../../shared/sync-protocol.ts';
import type { ReadableDb, WritableDb } from './connection.ts';
import { insertRows } from './insert-rows.ts';
import { nameKey, phoneKey } from './members.ts';
import { openingColumns } from './points.ts';
import { prepare } from './statements.ts';

/**
 * The rows a pull writes that no other path writes: pulled members over the
 * local copy, and members this terminal never held. How their balances
 * reconcile is decided in sync/reconcile.ts; the page's transaction is
 * sync/pull-page.ts's.
 */

/** The newest programme version installed here, or null before the first. */
export function newestProgramVersion(db: ReadableDb): number | null {
  return prepare(db, 'SELECT max(version) FROM program_config').pluck().get() as number | null;
}

/** Which of these members this terminal already holds: one query per page. */
export function heldMemberIds(db: ReadableDb, members: readonly MemberRecord[]): Set<string> {
  const ids = prepare(db, 'SELECT id FROM members WHERE id IN (SELECT value FROM json_each(?))')
    .pluck()
    .all(JSON.stringify(members.map((m) => m.id))) as string[];
  return new Set(ids);
}

/** A card the server moved to another member moves here too. */
const CARD_UPSERT = 'ON CONFLICT (card_number) DO UPDATE SET member_id = excluded.member_id WHERE member_id <> excluded.member_id';

/**
 * The member's personal columns as the record gives them: the member's data in this till's
 * store scope, or nothing (name '', the rest NULL: out of scope, or erased).
 */
function personalColumns(m: MemberRecord, now: number) {
  const p = m.personal;
  if (p === null) return { name: '', nameKey: '', phone: null, email: null, birthDate: null, consent: 0, consentAt: null };
  return {
    name: p.name,
    nameKey: nameKey(p.name),
    phone: p.phone === null ? null : phoneKey(p.phone),
    email: p.email,
    birthDate: p.birthDate,
    consent: p.consentMarketing ? 1 : 0,
    consentAt: p.consentMarketing ? now : null,
  };
}

/** The server's count of the member's purchases and their newest times (NULL when none: most members cost nothing). */
function purchaseColumns(m: MemberRecord): [number, string | null] {
  const p = m.purchases;
  return [p?.count ?? 0, p === undefined || p.recent.length === 0 ? null : JSON.stringify(p.recent)];
}

/** Writes the server's details of a member this terminal holds over its own, and its cards; the tier unless `keepTier`. */
export function updatePulledMember(db: WritableDb, m: MemberRecord, keepTier: boolean, now: number): void {
  const p = personalColumns(m, now);
  prepare(
    db,
    `UPDATE members SET name = ?, name_key = ?, phone = ?, email = ?, birth_date = ?, birthday = ?, status = ?, tier = CASE WHEN ? THEN tier ELSE ? END,
       consent_marketing = ?, consent_at = CASE WHEN consent_marketing = ? THEN consent_at ELSE ? END, server_purchases = ?, server_recent = ?,
       updated_at = ? WHERE id = ?`,
  ).run(
    p.name,
    p.nameKey,
    p.phone,
    p.email,
    p.birthDate,
    m.birthday,
    m.status,
    keepTier ? 1 : 0,
    m.tier,
    p.consent,
    p.consent,
    p.consentAt,
    ...purchaseColumns(m),
    now,
    m.id,
  );
  const card = prepare(db, `INSERT INTO member_cards (card_number, member_id, issued_at) VALUES (?, ?, ?) ${CARD_UPSERT}`);
  for (const c of m.cards) card.run(c, m.id, now);
}

/** A member's cached balance. */
export function cachedBalance(db: ReadableDb, memberId: string): number {
  return prepare(db, 'SELECT balance FROM members WHERE id = ?').pluck().get(memberId) as number;
}

/**
 * Members this terminal has never held (the bulk of a first pull), with their
 * opening balances in the members' columns, by multi-row inserts
 * (store/insert-rows.ts); their opening lots are points.openBalances'.
 */
export function insertPulledMembers(
  db: WritableDb,
  members: readonly { member: MemberRecord; openingPoints: number }[],
  now: number,
): void {
  const rows: unknown[] = [];
  const cards: unknown[] = [];
  for (const { member: m, openingPoints } of members) {
    const p = personalColumns(m, m.enrolledAt);
    const { opening, balance, debt } = openingColumns(openingPoints);
    rows.push(
      m.id,
      p.name,
      p.nameKey,
      p.phone,
      p.email,
      p.birthDate,
      m.birthday,
      m.status,
      m.tier,
      m.enrolledStore,
      m.enrolledAt,
      p.consent,
      p.consentAt,
      opening,
      balance,
      debt,
      ...purchaseColumns(m),
      now,
    );
    for (const c of m.cards) cards.push(c, m.id, now);
  }
  insertRows(
    db,
    'INSERT INTO members (id, name, name_key, phone, email, birth_date, birthday, status, tier, enrolled_store, enrolled_at, consent_marketing, consent_at, opening, balance, debt, server_purchases, server_recent, updated_at)',
    19,
    rows,
  );
  insertRows(db, 'INSERT INTO member_cards (card_number, member_id, issued_at)', 3, cards, CARD_UPSERT);
}
