/**
 * What the server's checks of a pushed batch read and write
 * (server/apply/trust/judge.ts): staff, programme versions, the catalogue's
 * categories, stored sales, bonus grants, daily usage, holds' owners, and the
 * events held for a person. Read inside the push's transaction, after its
 * member locks: the rows a check depends on belong to locked members or to the
 * locked terminal.
 */
import { qualifyingWindowStart, tierIndex } from '../../shared/loyalty/tiers.ts';
import type { ProgramConfig } from '../../shared/program.ts';
import type { SyncEvent } from '../../shared/sync-protocol.ts';
import type { ApplyPlan, MemberHistory } from '../apply/apply-events.ts';
import { purchaseSql } from '../apply/member-purchases.ts';
import type { PushingTerminal } from '../apply/push.ts';
import { dayOf, type Role, type StaffFacts, type StoredSale, type TrustBook } from '../apply/trust/judge.ts';
import type { Queryable } from './db.ts';
import { programVersions } from './programs.ts';
import { anyOf, insertWrite, jsonList, type RowsWrite } from './json-rows.ts';

export async function loadTrustBook(
  tx: Queryable,
  who: PushingTerminal,
  events: readonly SyncEvent[],
  program: ProgramConfig | null,
  now: number,
  /** The sales the batch's voids and refunds name (push.ts loads them before its member locks). */
  sales: Map<string, StoredSale>,
): Promise<Omit<TrustBook, 'factsOf'>> {
  const staffIds = new Set(events.map((e) => e.payload.staffId));
  const versions = new Set<number>();
  const skus = new Set<string>();
  const usageKeys: { scope: string; key: string; day: string }[] = [];
  for (const e of events) {
    if (e.kind === 'sale.committed') {
      if (e.payload.programVersion !== undefined) versions.add(e.payload.programVersion);
      for (const l of e.payload.lines ?? []) if (l.sku !== null) skus.add(l.sku);
    }
    // A member's credits of the day are on its row (apply-events.ts); a terminal's adjustments here.
    if (program !== null && e.kind === 'points.adjusted')
      usageKeys.push({ scope: 'terminal_adjust', key: who.terminalId, day: dayOf(now, program) });
  }
  const [staffRows, products, usageRows] = await Promise.all([
    tx.query<{ id: string; role: Role; active: boolean; store_id: string | null }>(
      `SELECT id, role, active, store_id FROM staff WHERE id = ${anyOf('$1', 'text')}`,
      [jsonList(staffIds)],
    ),
    skus.size === 0
      ? Promise.resolve([])
      : tx.query<{ sku: string; category: string }>(`SELECT sku, category FROM products WHERE sku = ${anyOf('$1', 'text')}`, [
          jsonList(skus),
        ]),
    usageKeys.length === 0
      ? Promise.resolve([])
      : tx.query<{ scope: string; key: string; day: string; points: number }>(
          `SELECT u.scope, u.key, u.day, u.points FROM daily_usage u
           JOIN (SELECT DISTINCT scope, key, day FROM jsonb_to_recordset($1::jsonb) AS x(scope text, key text, day text)) k
             ON u.scope = k.scope AND u.key = k.key AND u.day = k.day`,
          [JSON.stringify(usageKeys)],
        ),
  ]);
  const programs = await programVersions(tx, versions);
  const [terminal] = await tx.query<{ paired_at: number }>('SELECT paired_at FROM terminals WHERE id = $1', [who.terminalId]);
  const staff = new Map<string, StaffFacts>(staffRows.map((r) => [r.id, { role: r.role, active: r.active, storeId: r.store_id }]));
  return {
    now,
    terminalId: who.terminalId,
    pairedAt: Number(terminal?.paired_at ?? 0),
    storeId: who.storeId,
    protocolVersion: who.protocolVersion ?? 2,
    staff,
    programs,
    current: program,
    productCategories: new Map(products.map((r) => [r.sku, r.category])),
    sales,
    usage: new Map(usageRows.map((r) => [`${r.scope}|${r.key}|${r.day}`, Number(r.points)])),
  };
}

/** Bonus grants and recent purchases of the members whose sales in the batch claim a bonus, and of those it enrols. */
export async function loadHistories(
  tx: Queryable,
  terminalId: string,
  events: readonly SyncEvent[],
  program: ProgramConfig | null,
  now: number,
): Promise<Map<string, MemberHistory>> {
  const ids = new Set<string>();
  let earliest = now;
  // Only a bonus the till claims can be granted (trust/reprice-sale.ts): a sale claiming none needs no history.
  for (const e of events) {
    if (e.kind === 'sale.committed' && e.payload.memberId !== null && e.payload.ledger.some((l) => l.kind === 'bonus')) {
      ids.add(e.payload.memberId);
      earliest = Math.min(earliest, e.createdAt);
    }
    if (e.kind === 'member.enrolled') ids.add(e.payload.memberId);
  }
  const out = new Map<string, MemberHistory>();
  if (ids.size === 0) return out;
  for (const id of ids) out.set(id, { grants: new Set(), purchaseTimes: [], lastNthAt: null });
  const grants = await tx.query<{ member_id: string; kind: string; period: string; granted_at: number }>(
    `SELECT member_id, kind, period, granted_at FROM bonus_grants WHERE member_id = ${anyOf('$1', 'uuid')}`,
    [jsonList(ids)],
  );
  for (const g of grants) {
    const h = out.get(g.member_id)!;
    h.grants.add(`${g.kind}|${g.period}`);
    // The till's own last nth-purchase bonus starts its new streak (a till counts its own; the server counts every till's purchases).
    if (g.kind === 'nth_purchase' && g.period.startsWith(`${terminalId}|`)) h.lastNthAt = Math.max(h.lastNthAt ?? 0, Number(g.granted_at));
  }
  const nth = program?.bonuses.nthPurchase ?? null;
  if (nth !== null) {
    const purchases = await tx.query<{ member_id: string; created_at: number }>(
      `SELECT payload->>'memberId' AS member_id, created_at FROM applied_events
       WHERE payload->>'memberId' = ${anyOf('$1', 'text')} AND created_at > $2 AND ${purchaseSql('applied_events')}
       ORDER BY created_at`,
      [jsonList(ids), earliest - nth.withinDays * 86_400_000],
    );
    for (const p of purchases) out.get(p.member_id)?.purchaseTimes.push(Number(p.created_at));
  }
  return out;
}

/** Hold id → the terminal that placed it, for the holds the batch's sales name. */
export async function holdOwners(tx: Queryable, events: readonly SyncEvent[]): Promise<Map<string, string>> {
  const ids = events.flatMap((e) => (e.kind === 'sale.committed' && e.payload.holdId != null ? [e.payload.holdId] : []));
  if (ids.length === 0) return new Map();
  const rows = await tx.query<{ id: string; terminal_id: string }>(`SELECT id, terminal_id FROM holds WHERE id = ${anyOf('$1', 'uuid')}`, [
    jsonList(ids),
  ]);
  return new Map(rows.map((r) => [r.id, r.terminal_id]));
}

/** The plan's held events, bonus grants and daily usage, as writes of the push's one statement. */
export function trustWrites(plan: ApplyPlan): (RowsWrite | null)[] {
  const usage = new Map<string, number>();
  for (const u of plan.usage) if (u.key.startsWith('terminal_adjust|')) usage.set(u.key, (usage.get(u.key) ?? 0) + u.points);
  const usageRows = [...usage].map(([k, points]) => {
    const [scope, key, day] = k.split('|');
    return { scope, key, day, points };
  });
  return [
    insertWrite(
      'held_events',
      'event_id uuid, terminal_id uuid, kind text, member_id uuid, sale_id uuid, reasons jsonb, details jsonb, ledger jsonb, created_at bigint',
      plan.held,
      // Judged again (its sale arrived) and held again, for another reason: the row says why now.
      'ON CONFLICT (event_id) DO UPDATE SET reasons = EXCLUDED.reasons, details = EXCLUDED.details, ledger = EXCLUDED.ledger, sale_id = EXCLUDED.sale_id',
    ),
    insertWrite(
      'bonus_grants',
      'member_id uuid, kind text, period text, event_id uuid, granted_at bigint',
      plan.grants,
      'ON CONFLICT DO NOTHING',
    ),
    insertWrite(
      'daily_usage',
      'scope text, key text, day text, points bigint',
      usageRows,
      'ON CONFLICT (scope, key, day) DO UPDATE SET points = daily_usage.points + EXCLUDED.points',
    ),
  ];
}

/**
 * For each sale of the batch whose till priced it at a tier above the member's
 * stored one: the member's qualifying points in the tier window ending at the
 * sale's time (a till offline across a downgrade priced it at the tier it then
 * held). Rare, so one indexed range sum (ledger_member_time) per such sale.
 */
export async function qualifyingAtSales(
  tx: Queryable,
  events: readonly SyncEvent[],
  members: ReadonlyMap<string, { tier: string }>,
  program: ProgramConfig | null,
  now: number,
): Promise<Map<string, number>> {
  if (program === null) return new Map();
  const wanted = events.flatMap((e) => {
    if (e.kind !== 'sale.committed' || e.payload.memberId === null || e.payload.memberFacts === undefined) return [];
    const stored = members.get(e.payload.memberId)?.tier ?? program.tiers.levels[0]!.id;
    if (tierIndex(program, e.payload.memberFacts.tier) <= tierIndex(program, stored)) return [];
    const at = Math.min(e.createdAt, now);
    return [{ event_id: e.id, member_id: e.payload.memberId, f: qualifyingWindowStart(at, program), t: at }];
  });
  if (wanted.length === 0) return new Map();
  const rows = await tx.query<{ event_id: string; q: number }>(
    // A correlated sum per sale: each an index range scan of ledger_member_time (a join may hash the whole ledger).
    `SELECT x.event_id,
       (SELECT coalesce(sum(l.qualifying), 0) FROM ledger l WHERE l.member_id = x.member_id AND l.created_at >= x.f AND l.created_at <= x.t)::bigint AS q
     FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, member_id uuid, f bigint, t bigint)`,
    [JSON.stringify(wanted)],
  );
  return new Map(rows.map((r) => [r.event_id, Number(r.q)]));
}
