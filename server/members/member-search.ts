/**
 * GET /v1/members/search: a till holds personal data only for its store's members
 * (docs/privacy.md), so a member of another store is found here, by the start of their
 * phone (any format) or of any words of their name. Each read is a range of an index
 * (migration 0010), a few rows at most; the answer names at most five members, their
 * phone masked, never their e-mail or birth date. Every search is audited by its kind,
 * length and the members it showed: what was typed is never logged or stored.
 */
import type { CountryCode } from 'libphonenumber-js/min';
import { maskedPhone, phoneDigits, phoneSearchKeys } from '../../shared/phone-keys.ts';
import {
  MEMBER_SEARCH_MAX_RESULTS,
  MEMBER_SEARCH_MIN_DIGITS,
  MEMBER_SEARCH_MIN_LETTERS,
  type MemberSearchHit,
  type MemberSearchQuery,
  type MemberSearchResponse,
} from '../../shared/sync-protocol.ts';
import type { AuthenticatedTerminal } from '../auth/verify-request.ts';
import { HttpError } from '../http/errors.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { Db, Queryable } from '../store/db.ts';
import { anyOf, jsonList } from '../store/json-rows.ts';

/** Only what a phone is written with: anything else is read as a name. */
const PHONE_LIKE = /^\+?[\d\s().-]+$/;
/** Rows read per index range before the few shown are picked: bounded however common a prefix is. */
const RANGE_ROWS = 40;

export function queryTooShort(): HttpError {
  return new HttpError(
    400,
    'QUERY_TOO_SHORT',
    `Type at least ${MEMBER_SEARCH_MIN_DIGITS} digits of a phone number or ${MEMBER_SEARCH_MIN_LETTERS} letters of a name.`,
    { minDigits: MEMBER_SEARCH_MIN_DIGITS, minLetters: MEMBER_SEARCH_MIN_LETTERS },
  );
}

export async function searchMembers(
  db: Db,
  terminal: AuthenticatedTerminal,
  query: MemberSearchQuery,
  now: number,
): Promise<MemberSearchResponse & { length: number }> {
  const q = query.q;
  const kind = PHONE_LIKE.test(q) ? 'phone' : 'name';
  const wanted = MEMBER_SEARCH_MAX_RESULTS + 1;
  let ids: string[];
  if (kind === 'phone') {
    if (phoneDigits(q).length < MEMBER_SEARCH_MIN_DIGITS) throw queryTooShort();
    ids = await idsByPhone(db, phoneSearchKeys(q, query.country as CountryCode | undefined), wanted);
  } else {
    const [row] = await db.query<{ words: string[] }>('SELECT member_name_words($1) AS words', [q]);
    const words = row?.words ?? [];
    if (!words.some((w) => [...w].length >= MEMBER_SEARCH_MIN_LETTERS)) throw queryTooShort();
    ids = await idsByNameWords(db, words, wanted);
  }
  const hits = await describe(db, ids.slice(0, MEMBER_SEARCH_MAX_RESULTS), terminal.storeId);
  const answer = { kind, members: hits, capped: ids.length > MEMBER_SEARCH_MAX_RESULTS } as const;
  await recordAudit(db, {
    at: now,
    actorKind: 'terminal',
    actor: terminal.terminalId,
    action: 'member.search',
    // How long the query was, never what it was.
    details: { kind, length: [...q].length, results: hits.map((h) => h.id), capped: answer.capped },
  });
  return { ...answer, length: [...q].length };
}

const PHONE_DIGITS_SQL = `(regexp_replace(m.phone, '[^0-9]', '', 'g') COLLATE "C")`;

/** Members whose stored phone's digits start with one of the keys, the most likely key first. */
async function idsByPhone(db: Queryable, keys: readonly string[], wanted: number): Promise<string[]> {
  const found = new Set<string>();
  for (const key of keys) {
    if (found.size >= wanted) break;
    const rows = await db.query<{ id: string }>(
      `SELECT m.id FROM members m
        WHERE m.phone IS NOT NULL AND ${PHONE_DIGITS_SQL} >= $1 AND ${PHONE_DIGITS_SQL} < $2 AND m.status <> 'pending_enrolment'
        ORDER BY ${PHONE_DIGITS_SQL} LIMIT $3`,
      [key, `${key}:`, wanted], // ':' is the byte after '9'
    );
    for (const r of rows) found.add(r.id);
  }
  return [...found].slice(0, wanted);
}

/** The end of a prefix's range in byte order: its last character's successor ("mul" → "mum"). */
function prefixEnd(prefix: string): string {
  const chars = [...prefix];
  const last = chars.pop()!;
  return chars.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}

/** A query's words beyond this many are ignored (each costs a bounded count). */
const MAX_WORDS = 6;
/** How far a word's range is counted when choosing the word that drives: enough to tell narrow from common. */
const COUNT_CAP = 200;

/**
 * Members with a word of the name starting with each query word: the narrowest word drives (a range
 * of member_name_words, each word's range counted up to COUNT_CAP rows first: "member 1234" over a
 * chain where every name has "member" is driven by "1234"), every other word is checked on the
 * member's few words.
 */
async function idsByNameWords(db: Queryable, words: readonly string[], wanted: number): Promise<string[]> {
  const counted: { word: string; rows: number }[] = [];
  for (const word of words.slice(0, MAX_WORDS)) {
    const [row] = await db.query<{ rows: number }>(
      'SELECT count(*)::int AS rows FROM (SELECT 1 FROM member_name_words WHERE word >= $1 AND word < $2 LIMIT $3) AS r',
      [word, prefixEnd(word), COUNT_CAP],
    );
    if (row?.rows === 0) return []; // a word no name has: nobody matches them all
    counted.push({ word, rows: row?.rows ?? COUNT_CAP });
  }
  const sorted = counted.sort((a, b) => a.rows - b.rows || [...b.word].length - [...a.word].length).map((c) => c.word);
  const params: unknown[] = [];
  const range = (column: string, word: string) => {
    params.push(word, prefixEnd(word));
    return `${column} >= $${params.length - 1} AND ${column} < $${params.length}`;
  };
  const drive = range('w.word', sorted[0]!);
  const others = sorted
    .slice(1)
    .map((word) => ` AND EXISTS (SELECT 1 FROM member_name_words o WHERE o.member_id = w.member_id AND ${range('o.word', word)})`)
    .join('');
  params.push(RANGE_ROWS, wanted);
  const rows = await db.query<{ id: string }>(
    `SELECT m.id FROM members m
      WHERE m.id IN (SELECT w.member_id FROM member_name_words w WHERE ${drive}${others} LIMIT $${params.length - 1})
        AND m.status <> 'pending_enrolment'
      ORDER BY m.name, m.id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => r.id);
}

interface HitRow {
  id: string;
  name: string;
  phone: string | null;
  tier: string;
  status: 'active' | 'blocked';
  store_name: string | null;
  in_store: boolean;
  card: string | null;
}

async function describe(db: Queryable, ids: readonly string[], storeId: string): Promise<MemberSearchHit[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<HitRow>(
    `SELECT m.id, m.name, m.phone, m.tier, m.status, s.name AS store_name,
            (m.enrolled_store = $2 OR EXISTS (SELECT 1 FROM member_stores ms WHERE ms.member_id = m.id AND ms.store_id = $2)) AS in_store,
            (SELECT c.card FROM member_cards c WHERE c.member_id = m.id ORDER BY c.created_at DESC, c.card DESC LIMIT 1) AS card
       FROM members m LEFT JOIN stores s ON s.id = m.enrolled_store
      WHERE m.id = ${anyOf('$1', 'uuid')}`,
    [jsonList(ids), storeId],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (r === undefined) return [];
    return [
      {
        id: r.id,
        name: r.name === '' ? null : r.name,
        phoneMasked: maskedPhone(r.phone),
        tier: r.tier,
        status: r.status,
        cardHint: r.card === null ? null : r.card.slice(-4),
        enrolledStoreName: r.store_name,
        inStore: r.in_store,
      },
    ];
  });
}
