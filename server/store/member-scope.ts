/**
 * Which tills receive a member's personal data (docs/privacy.md). The programme's
 * `privacy.personalDataScope` chooses: `all` tills, `none`, or each member's
 * `store` scope: the store the member enrolled at, stores the member is assigned
 * to, and stores where a sale of the member synced within `seenWithinDays`
 * (member_stores, migration 0009). A member entering or leaving a store's scope
 * is stamped again (the change trigger), so that store's tills get the member's
 * personal data, or drop it, at their next pull.
 */
import { privacyPolicy, type ProgramConfig } from '../../shared/program.ts';
import { changeTransaction, type Db, type Queryable } from './db.ts';

const DAY_MS = 86_400_000;

export type PersonalScope = { kind: 'all' } | { kind: 'none' } | { kind: 'store'; storeId: string; seenSince: number };

/** The scope a till of `storeId` receives personal data for, under `program`, at `now`. */
export function personalScope(program: Pick<ProgramConfig, 'privacy'> | null, storeId: string, now: number): PersonalScope {
  const policy = privacyPolicy(program);
  if (policy.personalDataScope !== 'store') return { kind: policy.personalDataScope };
  return { kind: 'store', storeId, seenSince: now - policy.seenWithinDays * DAY_MS };
}

/**
 * The SQL condition under which member `m` is in `scope`, with `store` and `since` the
 * placeholders of the scope's store and earliest counting sighting: at most one
 * primary-key probe of member_stores a member.
 */
export function inScopeSql(scope: PersonalScope, store: string, since: string): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'none') return 'FALSE';
  return `(m.enrolled_store = ${store} OR EXISTS (SELECT 1 FROM member_stores s WHERE s.member_id = m.id AND s.store_id = ${store} AND (s.assigned OR s.last_seen_at >= ${since})))`;
}

export interface Sighting {
  memberId: string;
  storeId: string;
  at: number;
}

/**
 * Records that these members bought at these stores (not their own: the enrolment store is
 * always in scope), and stamps again the members this brings into a store's scope. Inside the
 * push, after its writes: the members are locked already (server/store/lock-order.ts).
 */
export async function recordSightings(
  tx: Queryable,
  sightings: readonly Sighting[],
  program: ProgramConfig | null,
  now: number,
): Promise<void> {
  if (sightings.length === 0) return;
  const since = now - privacyPolicy(program).seenWithinDays * DAY_MS;
  await tx.query(
    `WITH seen AS (SELECT x.member_id, x.store_id, max(x.at) AS at FROM jsonb_to_recordset($1::jsonb) AS x(member_id uuid, store_id text, at bigint) GROUP BY 1, 2),
     entering AS (SELECT s.member_id FROM seen s WHERE s.at >= $2 AND NOT EXISTS (
       SELECT 1 FROM member_stores ms WHERE ms.member_id = s.member_id AND ms.store_id = s.store_id AND (ms.assigned OR ms.last_seen_at >= $2))),
     upsert AS (INSERT INTO member_stores (member_id, store_id, last_seen_at) SELECT member_id, store_id, at FROM seen
       ON CONFLICT (member_id, store_id) DO UPDATE SET last_seen_at = greatest(member_stores.last_seen_at, EXCLUDED.last_seen_at))
     UPDATE members SET updated_at = updated_at WHERE id IN (SELECT member_id FROM entering)`,
    [JSON.stringify(sightings.map((s) => ({ member_id: s.memberId, store_id: s.storeId, at: Math.min(s.at, now) }))), since],
  );
}

/**
 * The maintenance pass: sightings older than the window are forgotten and their members
 * stamped again, so the tills of those stores drop the members' personal data. In batches,
 * each its own change transaction (the change lock comes before members' rows).
 */
export async function expireSightings(db: Db, program: ProgramConfig | null, now: number, batch = 5000): Promise<number> {
  const before = now - privacyPolicy(program).seenWithinDays * DAY_MS;
  let total = 0;
  for (;;) {
    const gone = await changeTransaction(db, async (tx) => {
      const rows = await tx.query<{ n: number }>(
        `WITH gone AS (DELETE FROM member_stores WHERE (member_id, store_id) IN (
            SELECT member_id, store_id FROM member_stores WHERE NOT assigned AND last_seen_at < $1 ORDER BY last_seen_at LIMIT $2)
          RETURNING member_id),
         touched AS (UPDATE members SET updated_at = updated_at WHERE id IN (SELECT member_id FROM gone) RETURNING 1)
         SELECT (SELECT count(*)::int FROM gone) AS n`,
        [before, batch],
      );
      return rows[0]!.n;
    });
    total += gone;
    if (gone < batch) return total;
  }
}

/** Every member stamped again: after the programme changes whose personal data tills hold, every till gets the new picture. */
export async function restampMembers(tx: Queryable): Promise<void> {
  await tx.query("UPDATE members SET updated_at = updated_at WHERE status <> 'pending_enrolment'");
}
