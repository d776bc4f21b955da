import { columnNames, insertWrite, updateWrite, type RowsWrite } from './json-rows.ts';

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
  /** An upper bound of the tier window's qualifying points (db/server/0002-lighter-push.sql); null = unknown. */
  qualifying_bound: number | null;
  /** The tier before the last downgrade, and when that downgrade took effect (its review): a sale made offline before it was priced at that tier. */
  tier_before: string | null;
  tier_changed_at: number | null;
  /** The store-local day of credited_today: points credited that day (bounds.pointsPerMemberPerDay). */
  credit_day: string | null;
  credited_today: number;
  /** The member's purchases and the newest of their times (newest first), as apply/member-purchases.ts counts them. */
  purchase_count: number;
  purchase_recent: number[];
  created_at: number;
  updated_at: number;
}

const MEMBER_COLUMNS =
  'id uuid, status text, name text, phone text, email text, birth_date text, consent_marketing boolean, referred_by uuid, enrolled_store text, enrolled_at bigint, tier text, tier_reviewed_at bigint, balance bigint, qualifying_bound bigint, tier_before text, tier_changed_at bigint, credit_day text, credited_today bigint, purchase_count integer, purchase_recent jsonb, created_at bigint, updated_at bigint';
/** The member's columns; lock-order.ts's lockMembers loads them. */
export const MEMBER_SELECT = columnNames(MEMBER_COLUMNS);

/** Inserts new members. */
export function insertMembers(rows: readonly MemberRow[]): RowsWrite | null {
  return insertWrite('members', MEMBER_COLUMNS, rows);
}

/** Rewrites changed members, every column but the id and creation time (the caller holds the row locks). */
export function updateMembers(rows: readonly MemberRow[]): RowsWrite | null {
  return updateWrite('members', MEMBER_COLUMNS.replace(/, created_at bigint/, ''), 'uuid', rows);
}

const POINTS_COLUMNS =
  'id uuid, balance bigint, tier text, tier_reviewed_at bigint, qualifying_bound bigint, tier_before text, tier_changed_at bigint, credit_day text, credited_today bigint, purchase_count integer, purchase_recent jsonb, updated_at bigint';

/** Rewrites only what a sale, void, refund or adjustment changes: the cheap update for most of a batch. */
export function updateMemberPoints(rows: readonly MemberRow[]): RowsWrite | null {
  return updateWrite(
    'members',
    POINTS_COLUMNS,
    'uuid',
    rows.map((r) => ({
      id: r.id,
      balance: r.balance,
      tier: r.tier,
      tier_reviewed_at: r.tier_reviewed_at,
      qualifying_bound: r.qualifying_bound,
      tier_before: r.tier_before,
      tier_changed_at: r.tier_changed_at,
      credit_day: r.credit_day,
      credited_today: r.credited_today,
      purchase_count: r.purchase_count,
      purchase_recent: r.purchase_recent,
      updated_at: r.updated_at,
    })),
  );
}
