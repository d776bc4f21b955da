import type { Queryable } from './db.ts';
import { columnNames, insertRows, jsonList } from './json-rows.ts';

export type MemberStatus = 'pending_enrolment' | 'active' | 'blocked';

export interface MemberRow {
  id: string;
  status: MemberStatus;
  name: string;
  phone: string | null;
  email: string | null;
  birth_date: string | null;
  consent_marketing: boolean;
  referred_by: string | null;
  enrolled_store: string;
  enrolled_at: number;
  tier: string;
  tier_reviewed_at: number | null;
  balance: number;
  created_at: number;
  updated_at: number;
}

const MEMBER_COLUMNS =
  'id uuid, status text, name text, phone text, email text, birth_date text, consent_marketing boolean, referred_by uuid, enrolled_store text, enrolled_at bigint, tier text, tier_reviewed_at bigint, balance bigint, created_at bigint, updated_at bigint';
export const MEMBER_SELECT = columnNames(MEMBER_COLUMNS);

/** Loads and locks members, in id order so two transactions never lock them in opposite orders. */
export async function lockMembers(tx: Queryable, ids: Iterable<string>): Promise<Map<string, MemberRow>> {
  const rows = await tx.query<MemberRow>(
    `SELECT ${MEMBER_SELECT} FROM members WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)) ORDER BY id FOR UPDATE`,
    [jsonList(ids)],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Inserts new members and rewrites changed ones (every column: the caller holds the row lock). */
export async function upsertMembers(tx: Queryable, rows: readonly MemberRow[]): Promise<void> {
  const set = columnNames(MEMBER_COLUMNS)
    .split(', ')
    .filter((c) => c !== 'id' && c !== 'created_at')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  await insertRows(tx, 'members', MEMBER_COLUMNS, rows, `ON CONFLICT (id) DO UPDATE SET ${set}`);
}
