/**
 * Sales as the server holds them: what the applied events say (migration
 * 0002: sales are read from applied_events, never written twice). Read by sale
 * id and by member through the indexes of migration 0005; a sale belongs to
 * the store of the till that sent it.
 */
import type { ProgramConfig } from '../../shared/program.ts';
import type { LedgerEntry, SaleRecord, SyncEvent } from '../../shared/sync-protocol.ts';
import { refundableSale, saleEarnExpiry, type RefundBook } from '../apply/refund-check.ts';
import type { StoredSale } from '../apply/trust/judge.ts';
import type { Queryable } from '../store/db.ts';
import { anyOf, jsonList } from '../store/json-rows.ts';

type Committed = Extract<SyncEvent, { kind: 'sale.committed' }>['payload'];
type Refunded = Extract<SyncEvent, { kind: 'sale.refunded' }>['payload'];

interface SaleEventRow {
  kind: 'sale.committed' | 'sale.refunded';
  status: string;
  terminal_id: string;
  store_id: string;
  created_at: number;
  reasons: string[];
  payload: Committed | Refunded;
}

interface Found {
  terminalId: string;
  storeId: string;
  createdAt: number;
  sale: Committed;
  /** held: recorded, its points not applied (yet). */
  held: boolean;
  /** Refunds whose points were applied (one refused as exceeding the sale is left out). */
  refunds: Refunded[];
  voided: boolean;
  /** The applied voids' ledgers (a void refused as exceeding the sale left out). */
  voids: { ledger: LedgerEntry[] }[];
}

/** The sales with these ids, their applied refunds and whether they were voided. */
async function salesById(tx: Queryable, saleIds: ReadonlySet<string>): Promise<Map<string, Found>> {
  const found = new Map<string, Found>();
  if (saleIds.size === 0) return found;
  const ids = jsonList(saleIds);
  const rows = await tx.query<SaleEventRow>(
    `SELECT a.kind, a.status, a.terminal_id, t.store_id, a.created_at, a.reasons, a.payload
     FROM applied_events a JOIN terminals t ON t.id = a.terminal_id
     WHERE a.kind IN ('sale.committed', 'sale.refunded') AND a.payload->>'saleId' = ${anyOf('$1', 'text')}
     ORDER BY a.applied_at, a.seq`,
    [ids],
  );
  // The first event for a sale id wins (as the sales view of migration 0002).
  for (const r of rows) {
    if (r.kind === 'sale.committed' && !found.has(r.payload.saleId)) {
      found.set(r.payload.saleId, {
        terminalId: r.terminal_id,
        storeId: r.store_id,
        createdAt: Number(r.created_at),
        sale: r.payload as Committed,
        held: r.status === 'held',
        refunds: [],
        voids: [],
        voided: false,
      });
    }
  }
  const seenRefunds = new Set<string>();
  for (const r of rows) {
    if (r.kind !== 'sale.refunded') continue;
    const refund = r.payload as Refunded;
    if (seenRefunds.has(refund.refundId) || r.reasons.includes('refund_exceeds_sale') || r.status === 'held' || r.status === 'refused')
      continue;
    seenRefunds.add(refund.refundId);
    found.get(refund.saleId)?.refunds.push(refund);
  }
  const voids = await tx.query<{ sale_id: string; ledger: LedgerEntry[] }>(
    // A void refused because the sale was refunded or voided before does not count.
    `SELECT payload->>'saleId' AS sale_id, payload->'ledger' AS ledger FROM applied_events WHERE kind = 'sale.voided' AND payload->>'saleId' = ${anyOf('$1', 'text')}
     AND NOT reasons @> '["refund_exceeds_sale"]' AND status NOT IN ('held', 'refused')`,
    [ids],
  );
  for (const v of voids) {
    const f = found.get(v.sale_id);
    if (f !== undefined) {
      f.voided = true;
      f.voids.push({ ledger: v.ledger });
    }
  }
  return found;
}

/** The sales with these ids as the server's checks judge a void or refund against them (apply/trust/judge.ts). */
export async function storedSalesFor(tx: Queryable, saleIds: ReadonlySet<string>): Promise<Map<string, StoredSale>> {
  const out = new Map<string, StoredSale>();
  for (const [id, f] of await salesById(tx, saleIds)) {
    // A held sale's points were not applied: a void or refund of it takes back nothing until it is approved.
    // Reversals applied before (their stored ledger is what the server applied) used up part of what the sale moved.
    const reversed = [...f.refunds, ...f.voids].flatMap((r) => r.ledger.filter((e) => e.kind === 'reverse'));
    out.set(id, {
      storeId: f.storeId,
      memberId: f.sale.memberId,
      createdAt: f.createdAt,
      ledger: [...(f.held ? [] : f.sale.ledger), ...reversed],
    });
  }
  return out;
}

/** The sales a batch's refunds and voids name, for refund-check.ts; undefined when the batch has neither. */
export async function refundBookFor(
  tx: Queryable,
  events: readonly SyncEvent[],
  program: ProgramConfig | null,
): Promise<RefundBook | undefined> {
  const saleIds = new Set(events.flatMap((e) => (e.kind === 'sale.refunded' || e.kind === 'sale.voided' ? [e.payload.saleId] : [])));
  if (saleIds.size === 0) return undefined;
  const book: RefundBook = new Map();
  for (const [id, f] of await salesById(tx, saleIds)) {
    book.set(id, refundableSale(f.sale, program, f.createdAt, f.refunds, f.voided));
  }
  return book;
}

function record(f: Found, program: ProgramConfig | null): SaleRecord {
  const refunded = refundableSale(f.sale, program, f.createdAt, f.refunds).refunded;
  return {
    saleId: f.sale.saleId,
    terminalId: f.terminalId,
    storeId: f.storeId,
    memberId: f.sale.memberId,
    staffId: f.sale.staffId,
    createdAt: f.sale.createdAt,
    totalMinor: f.sale.totalMinor,
    paidMinor: f.sale.paidMinor,
    pointsEarned: f.sale.pointsEarned,
    pointsRedeemed: f.sale.pointsRedeemed,
    programVersion: f.sale.programVersion ?? null,
    status: f.voided ? 'voided' : 'completed',
    earnExpiresAt: saleEarnExpiry(f.sale, program, f.createdAt),
    lines: f.sale.lines?.map((l) => ({ ...l, refundedQuantity: Math.min(l.quantity, refunded.get(l.lineNo) ?? 0) })) ?? null,
  };
}

/** A sale of this store, or null: one of another store is not revealed. */
export async function saleOfStore(
  tx: Queryable,
  storeId: string,
  saleId: string,
  program: ProgramConfig | null,
): Promise<SaleRecord | null> {
  const f = (await salesById(tx, new Set([saleId]))).get(saleId);
  return f === undefined || f.storeId !== storeId ? null : record(f, program);
}

/** A member's sales at this store (every till), the newest first, made before `before`. */
export async function memberSalesOfStore(
  tx: Queryable,
  storeId: string,
  memberId: string,
  page: { limit: number; before: number },
  program: ProgramConfig | null,
): Promise<SaleRecord[]> {
  const rows = await tx.query<{ sale_id: string }>(
    `SELECT a.payload->>'saleId' AS sale_id
     FROM applied_events a JOIN terminals t ON t.id = a.terminal_id
     WHERE a.kind = 'sale.committed' AND a.payload->>'memberId' = $1 AND a.created_at < $2 AND t.store_id = $3
     ORDER BY a.created_at DESC LIMIT $4`,
    [memberId, page.before, storeId, page.limit],
  );
  const found = await salesById(tx, new Set(rows.map((r) => r.sale_id)));
  return [...found.values()]
    .filter((f) => f.storeId === storeId)
    .map((f) => record(f, program))
    .sort((a, b) => b.createdAt - a.createdAt);
}
