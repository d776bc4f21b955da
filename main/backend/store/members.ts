import { birthdayOf } from '../../../shared/loyalty/bonuses.ts';
import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

export interface MemberRow {
  id: string;
  /** '' when this till holds no personal data of the member (outside its store's scope, or erased): read through heldName(). */
  name: string;
  phone: string | null;
  email: string | null;
  birth_date: string | null;
  /** 'MM-DD', held for every member (the birthday bonus); birth_date only with the personal data. */
  birthday: string | null;
  status: 'active' | 'blocked';
  tier: string;
  tier_reviewed_at: number | null;
  enrolled_store: string;
  enrolled_at: number;
  consent_marketing: 0 | 1;
  consent_at: number | null;
  referred_by: string | null;
  balance: number;
  debt: number;
  birthday_bonus_year: number | null;
  last_nth_bonus_at: number | null;
  /** The member's purchases at every till as the server last sent them: how many, and the newest times in the nth-purchase window (JSON array, or NULL). */
  server_purchases: number;
  server_recent: string | null;
  updated_at: number;
}

const COLUMNS = `m.id, m.name, m.phone, m.email, m.birth_date, m.birthday, m.status, m.tier, m.tier_reviewed_at, m.enrolled_store,
  m.enrolled_at, m.consent_marketing, m.consent_at, m.referred_by, m.balance, m.debt, m.birthday_bonus_year,
  m.last_nth_bonus_at, m.server_purchases, m.server_recent, m.updated_at`;

/** The member's name, or null when this till holds no personal data of the member. */
export function heldName(row: Pick<MemberRow, 'name'>): string | null {
  return row.name === '' ? null : row.name;
}

/** The last four digits of the newest card: what a screen shows of a member it has no name for. */
export function cardHint(cards: readonly string[]): string | null {
  const newest = cards[cards.length - 1];
  return newest === undefined ? null : newest.slice(-4);
}

/** Lower-case, accents stripped, spaces collapsed: "Élodie  Martin" → "elodie martin". */
export function nameKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Digits only (a leading + dropped): phone search is by digit prefix. */
export function phoneKey(phone: string): string {
  return phone.replace(/\D/g, '');
}

export function memberById(db: ReadableDb, id: string): MemberRow | undefined {
  return prepare(db, `SELECT ${COLUMNS} FROM members m WHERE m.id = ?`).get(id) as MemberRow | undefined;
}

export function memberByCard(db: ReadableDb, card: string): MemberRow | undefined {
  // A scalar subquery, not a JOIN: measured 1.2x a primary-key SELECT against 4x for the JOIN.
  return prepare(db, `SELECT ${COLUMNS} FROM members m WHERE m.id = (SELECT member_id FROM member_cards WHERE card_number = ?)`).get(
    card,
  ) as MemberRow | undefined;
}

export function cardsOf(db: ReadableDb, memberId: string): string[] {
  return prepare(db, 'SELECT card_number FROM member_cards WHERE member_id = ? ORDER BY issued_at').pluck().all(memberId) as string[];
}

export function cardOwner(db: ReadableDb, card: string): string | undefined {
  return prepare(db, 'SELECT member_id FROM member_cards WHERE card_number = ?').pluck().get(card) as string | undefined;
}

/**
 * Members whose stored phone (digits with the country code) starts with `prefix`'s digits, in
 * phone order. Range scans on the index: `LIKE 'x%'` would not use it under SQLite's default
 * collation. The search (members/member-search.ts) turns what was typed into these digits.
 */
export function membersByPhonePrefix(db: ReadableDb, prefix: string, limit: number): MemberRow[] {
  const key = phoneKey(prefix);
  return prepare(db, `SELECT ${COLUMNS} FROM members m WHERE m.phone >= ? AND m.phone < ? ORDER BY m.phone LIMIT ?`).all(
    key,
    key + ':', // ':' sorts right after '9'
    limit,
  ) as MemberRow[];
}

/** The words of a name or a query as the search compares them: lower-case, accent-free, split at anything not a letter or digit. */
export function nameWords(text: string): string[] {
  return nameKey(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/**
 * Members with a word of the name starting with each word of `query`, in any order and case,
 * accents ignored ("Koch D" finds "Daniel Koch", "muller" finds "Jürgen Müller"). The words go
 * through the FTS5 index of names (migration 0008) as quoted prefixes, so no query syntax gets in;
 * single letters are checked on the rows the longer words found (a one-letter prefix in the index
 * would merge every word it starts), unless the query has nothing longer. At most `limit` rows,
 * in no particular order (the caller sorts the few it shows).
 */
export function membersByNameWords(db: ReadableDb, query: string, limit: number): MemberRow[] {
  const words = [...new Set(nameWords(query))];
  if (words.length === 0) return [];
  const long = words.filter((w) => w.length >= 2);
  const indexed = long.length > 0 ? long : words;
  const checked = long.length > 0 ? words.filter((w) => w.length < 2) : [];
  const match = indexed.map((w) => `"${w}"*`).join(' ');
  const filters = checked.map(() => ` AND (' ' || replace(m.name_key, '-', ' ')) LIKE ?`).join('');
  return prepare(
    db,
    `SELECT ${COLUMNS} FROM members_name_fts f JOIN members m ON m.rowid = f.rowid WHERE members_name_fts MATCH ?${filters} LIMIT ?`,
  ).all(match, ...checked.map((w) => `% ${w}%`), limit) as MemberRow[];
}

export function membersByPhoneOrEmail(db: ReadableDb, phone: string | null, email: string | null): MemberRow[] {
  return prepare(
    db,
    `SELECT ${COLUMNS} FROM members m WHERE m.phone = ? UNION SELECT ${COLUMNS} FROM members m WHERE m.email IS NOT NULL AND lower(m.email) = lower(?) LIMIT 10`,
  ).all(phone === null ? null : phoneKey(phone), email) as MemberRow[];
}

export interface NewMember {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  birthDate: string | null;
  tier: string;
  enrolledStore: string;
  enrolledAt: number;
  consentMarketing: boolean;
  referredBy: string | null;
}

export function insertMember(db: WritableDb, m: NewMember): void {
  // The referrer is set by a second statement: an INSERT that sets no foreign-key column cannot leave
  // a violation behind, so the child-table scans SQLite plans for it (members has triggers since
  // migration 0008) never run; the query-plan guard holds the insert to that.
  prepare(
    db,
    `INSERT INTO members (id, name, name_key, phone, email, birth_date, birthday, status, tier, enrolled_store, enrolled_at,
       consent_marketing, consent_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.id,
    m.name,
    nameKey(m.name),
    m.phone === null ? null : phoneKey(m.phone),
    m.email,
    m.birthDate,
    birthdayOf(m.birthDate),
    m.tier,
    m.enrolledStore,
    m.enrolledAt,
    m.consentMarketing ? 1 : 0,
    m.consentMarketing ? m.enrolledAt : null,
    m.enrolledAt,
  );
  if (m.referredBy !== null) prepare(db, 'UPDATE members SET referred_by = ? WHERE id = ?').run(m.referredBy, m.id);
}

export function insertCard(db: WritableDb, card: string, memberId: string, at: number): void {
  prepare(db, 'INSERT INTO member_cards (card_number, member_id, issued_at) VALUES (?, ?, ?)').run(card, memberId, at);
}

export function updateMemberAfterSale(
  db: WritableDb,
  id: string,
  fields: { tier: string; tierReviewedAt: number | null; birthdayBonusYear: number | null; lastNthBonusAt: number | null; now: number },
): void {
  prepare(
    db,
    'UPDATE members SET tier = ?, tier_reviewed_at = ?, birthday_bonus_year = ?, last_nth_bonus_at = ?, updated_at = ? WHERE id = ?',
  ).run(fields.tier, fields.tierReviewedAt, fields.birthdayBonusYear, fields.lastNthBonusAt, fields.now, id);
}
