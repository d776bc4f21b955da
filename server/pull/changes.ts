/**
 * GET /v1/changes: a page of everything that changed after the cursor, in
 * change-sequence order, read in one REPEATABLE READ snapshot together with
 * the terminal's applied_seq (so the terminal knows exactly which of its own
 * events the balances include). The page is bounded by `limit` records over
 * all kinds; the next cursor is the last change-sequence value in the page.
 * Placeholder members (pending enrolment) are not sent.
 *
 * Least data (docs/privacy.md): every member goes to every till with what
 * identifying and pricing need; `personal` only when the member is in the
 * scope of the terminal's store under the current programme's `privacy`
 * setting. Staff go only to the tills of their store and of the stores they
 * are assigned to (staff_stores); a changed staff member outside that is
 * named in `staffRemoved`, so a till that held them drops them.
 */
import type { ProgramConfig } from '../../shared/program.ts';
import { PURCHASE_COUNT_SENT_MAX, type PullResponse } from '../../shared/sync-protocol.ts';
import { RECENT_PURCHASES_KEPT } from '../apply/member-purchases.ts';
import type { Db, Queryable } from '../store/db.ts';
import { inScopeSql, personalScope, type PersonalScope } from '../store/member-scope.ts';
import { currentProgram } from '../store/programs.ts';
import { toPublicRecord } from '../tokens/signing-keys.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

// Each kind's next changes by its own index, then the smallest `limit` of them: a
// single ORDER BY over the union would sort every member changed since the cursor.
const CHANGED = `
  (SELECT change_seq FROM members WHERE change_seq > $1 AND status <> 'pending_enrolment' ORDER BY change_seq LIMIT $2)
  UNION ALL (SELECT change_seq FROM programs WHERE change_seq > $1 ORDER BY change_seq LIMIT $2)
  UNION ALL (SELECT change_seq FROM products WHERE change_seq > $1 ORDER BY change_seq LIMIT $2)
  UNION ALL (SELECT change_seq FROM staff WHERE change_seq > $1 ORDER BY change_seq LIMIT $2)
  UNION ALL (SELECT change_seq FROM signing_keys WHERE change_seq > $1 ORDER BY change_seq LIMIT $2)
  UNION ALL (SELECT change_seq FROM revoked_member_tokens WHERE change_seq > $1 ORDER BY change_seq LIMIT $2)`;

/** A page as the JSON text of a PullResponse, with counts for the log. */
export interface PullPage {
  json: string;
  members: number;
  more: boolean;
}

export async function pullChanges(db: Db, terminalId: string, cursor: string | undefined, limit: number, now: number): Promise<PullPage> {
  const after = decodeCursor(cursor);
  return db.transaction(
    async (tx) => {
      // A page is thousands of short index look-ups: compiling it (JIT) cost a fifth of its time.
      await tx.query('SET LOCAL jit = off');
      const [terminal] = await tx.query<{ applied_seq: number; store_id: string }>(
        'SELECT applied_seq, store_id FROM terminals WHERE id = $1',
        [terminalId],
      );
      const storeId = terminal?.store_id ?? '';
      const seqs = await tx.query<{ change_seq: number }>(`SELECT change_seq FROM (${CHANGED}) c ORDER BY change_seq LIMIT $2`, [
        after,
        limit + 1,
      ]);
      const more = seqs.length > limit;
      const page = more ? seqs.slice(0, limit) : seqs;
      const upper = page.length === 0 ? after : page[page.length - 1]!.change_seq;
      const range = [after, upper];
      const program = page.length === 0 ? null : await currentProgram(tx);
      const scope = page.length === 0 ? null : personalScope(program, storeId, now);
      const members =
        scope === null ? { json: '[]', count: 0 } : await memberRecordsJson(tx, after, upper, scope, recentWindow(program, now));
      const staff = await tx.query<{
        id: string;
        name: string;
        role: 'cashier' | 'manager' | 'admin';
        pin_hash: string;
        active: boolean;
        here: boolean;
      }>(
        `SELECT id, name, role, pin_hash, active,
                coalesce(store_id = $3, false) OR EXISTS (SELECT 1 FROM staff_stores a WHERE a.staff_id = staff.id AND a.store_id = $3) AS here
           FROM staff WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq`,
        [...range, storeId],
      );
      const rest: Omit<PullResponse, 'members'> = {
        programs: await tx.query<{ version: number; config: PullResponse['programs'][number]['config'] }>(
          'SELECT version, config FROM programs WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq',
          range,
        ),
        products: (
          await tx.query<{ sku: string; name: string; category: string; price_minor: number; barcodes: string[]; active: boolean }>(
            'SELECT sku, name, category, price_minor, barcodes, active FROM products WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq',
            range,
          )
        ).map((p) => ({
          sku: p.sku,
          name: p.name,
          category: p.category,
          priceMinor: p.price_minor,
          barcodes: p.barcodes,
          active: p.active,
        })),
        staff: staff.filter((s) => s.here).map((s) => ({ id: s.id, name: s.name, role: s.role, pinHash: s.pin_hash, active: s.active })),
        // The first page of a pull from the start: the till holds nobody yet, so no other store's staff is named to it.
        staffRemoved: after === 0 ? [] : staff.filter((s) => !s.here).map((s) => s.id),
        publicKeys: (
          await tx.query<{ kid: number; public_key: Uint8Array; revoked_at: number | null }>(
            'SELECT kid, public_key, revoked_at FROM signing_keys WHERE change_seq > $1 AND change_seq <= $2 ORDER BY kid',
            range,
          )
        ).map(toPublicRecord),
        revokedTokens: (
          await tx.query<{ token_id: string; member_id: string }>(
            'SELECT token_id, member_id FROM revoked_member_tokens WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq',
            range,
          )
        ).map((r) => ({ tokenId: r.token_id, memberId: r.member_id })),
        nextCursor: encodeCursor(upper),
        more,
        terminalAppliedSeq: terminal?.applied_seq ?? 0,
        serverTime: now,
      };
      // The members are JSON already (built by PostgreSQL): spliced in, not parsed and re-serialised.
      return { json: `{"members":${members.json},${JSON.stringify(rest).slice(1)}`, members: members.count, more };
    },
    { isolation: 'repeatable read' },
  );
}

/** The purchase times a till needs for the nth-purchase bonus: after `since`, the newest `n` (null: the programme has no such bonus). */
interface RecentWindow {
  since: number;
  n: number;
}

function recentWindow(program: ProgramConfig | null, now: number): RecentWindow | null {
  const nth = program?.bonuses.nthPurchase ?? null;
  if (nth === null) return null;
  const window = { since: Math.trunc(now - nth.withinDays * 86_400_000), n: Math.min(nth.n, RECENT_PURCHASES_KEPT) };
  if (!Number.isSafeInteger(window.since) || !Number.isSafeInteger(window.n)) throw new Error('the nth-purchase window is not an integer');
  return window;
}

/** The members changed in (after, upper], in change order, as the JSON text of MemberRecord[]. */
async function memberRecordsJson(
  tx: Queryable,
  after: number,
  upper: number,
  scope: PersonalScope,
  recent: RecentWindow | null,
): Promise<{ json: string; count: number }> {
  const params = scope.kind === 'store' ? [after, upper, scope.storeId, scope.seenSince] : [after, upper];
  // The row keeps the newest times first (apply/member-purchases.ts): the first n, those inside the window. A constant
  // path (n and since are integers the server computed) is compiled once, not built per member; most members have none.
  const recentSql =
    recent === null
      ? `'[]'::jsonb`
      : `CASE WHEN m.purchase_recent = '[]' THEN '[]'::jsonb
              ELSE jsonb_path_query_array(m.purchase_recent, '$[0 to ${recent.n - 1}] ? (@ > ${recent.since})') END`;
  const [row] = await tx.query<{ json: string; count: number }>(
    `SELECT coalesce(json_agg(json_build_object(
         'id', m.id, 'status', m.status, 'tier', m.tier, 'balance', m.balance,
         'lots', coalesce((SELECT json_agg(json_build_object('remaining', l.remaining, 'expiresAt', l.expires_at) ORDER BY l.expires_at NULLS LAST, l.id)
                           FROM point_lots l WHERE l.member_id = m.id AND l.remaining > 0), '[]'::json),
         'cards', coalesce((SELECT json_agg(c.card ORDER BY c.created_at, c.card) FROM member_cards c WHERE c.member_id = m.id), '[]'::json),
         'enrolledStore', m.enrolled_store, 'enrolledAt', m.enrolled_at,
         -- Only a real month and day: one odd stored date must not make the member unreadable on every till.
         'birthday', CASE WHEN m.birth_date ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN substr(m.birth_date, 6, 5) END,
         'personal', CASE WHEN m.name <> '' AND ${inScopeSql(scope, '$3', '$4')}
           THEN json_build_object('name', m.name, 'phone', m.phone, 'email', m.email, 'birthDate', m.birth_date, 'consentMarketing', m.consent_marketing) END,
         'purchases', CASE WHEN m.purchase_count = 0 THEN '{"count":0,"recent":[]}'::json
                      ELSE json_build_object('count', least(m.purchase_count, ${PURCHASE_COUNT_SENT_MAX}), 'recent', ${recentSql}) END,
         'updatedAt', m.updated_at
       ) ORDER BY m.change_seq), '[]'::json)::text AS json, count(*)::int AS count
     FROM members m WHERE m.change_seq > $1 AND m.change_seq <= $2 AND m.status <> 'pending_enrolment'`,
    params,
  );
  return row!;
}
