/**
 * What the server counts as a member's purchase, in one place: a
 * `sale.committed` event with a member, applied (not held, not refused), whose
 * applied ledger earns points (an `earn` entry), i.e. a qualifying sale as the
 * engine's bonuses count them (shared/loyalty/bonuses.ts). A later void does not
 * take it back. The re-pricing of the nth-purchase bonus reads purchases by this
 * definition (store/trust-rows.ts loadHistories, and apply-events.ts for the
 * batch's own), and the push keeps each member's count and newest times on its
 * row (members.purchase_count, purchase_recent: db/server/0011-member-purchases.sql,
 * whose backfill spells the same predicate in SQL), so that the pull sends every
 * till what the bonus needs (pull/changes.ts) without reading the member's sales.
 */
import type { LedgerEntry } from '../../shared/sync-protocol.ts';
import type { MemberRow } from '../store/member-rows.ts';

/** Newest purchase times kept on a member's row (the most a pull sends: shared/sync-protocol.ts memberPurchasesSchema). */
export const RECENT_PURCHASES_KEPT = 100;

/** An applied_events row (by its alias) that is a purchase of `payload->>'memberId'`. */
export function purchaseSql(alias: string): string {
  return `${alias}.kind = 'sale.committed' AND ${alias}.status NOT IN ('held', 'refused') AND ${alias}.payload->'ledger' @> '[{"kind":"earn"}]'`;
}

/** The same test on an event the push applies, with the ledger it applies. */
export function isPurchase(kind: string, memberId: string | null | undefined, applied: readonly LedgerEntry[]): memberId is string {
  return kind === 'sale.committed' && memberId != null && applied.some((e) => e.kind === 'earn');
}

/** Counts a purchase made at `at` (the event's createdAt, as applied_events.created_at) on the member's row. */
export function addPurchase(row: MemberRow, at: number): void {
  row.purchase_count += 1;
  const recent = [...row.purchase_recent, at].sort((a, b) => b - a);
  row.purchase_recent = recent.slice(0, RECENT_PURCHASES_KEPT);
}
